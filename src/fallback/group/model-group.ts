/**
 * A balanced group: several deployments judged equivalent (the same model at several providers or
 * accounts, or several models) behind one step of a route, chosen per call by a strategy (see
 * balance-strategy.ts). A FallbackModel holding a group lays its deployments out in its own chain
 * (balanced-step.ts), so breakers stay per deployment and the trace names each deployment tried.
 *
 * How a group's failure relates to fallback (LiteLLM's way: a retry goes to another deployment): a
 * deployment that fails with a transient error (rate limit, overload, 5xx, network, timeout, broken
 * stream) is not retried — the call moves at once to the group's next deployment in the strategy's order,
 * which is the better retry; the last deployment left gets the route's retries. Other failures follow
 * the route's policy. A deployment whose breaker is open
 * is skipped by every strategy. Only when every deployment of the group has failed does the route move
 * to its next step. Groups nest: a deployment may itself be a group or a key pool.
 *
 * @example
 * const gpt4o = new ModelGroup(
 *   [{ model: east, weight: 3 }, { model: west, weight: 1 }],
 *   { name: 'gpt-4o', strategy: 'weighted' },
 * );
 * const model = new FallbackModel(gpt4o, claude); // the group first, then Claude
 */
import { UserError } from '../../core/errors/index.ts';
import type { Model } from '../../core/model.ts';
import type { ErrorClass } from '../engine/classify.ts';
import type { LeafRole, LeafVerdict } from '../engine/leaf-role.ts';
import type { FallbackModelOptions } from '../fallback-model.ts';
import {
  BALANCE_STRATEGIES,
  type BalanceStrategy,
  balancedOrder,
  type Candidate,
} from './balance-strategy.ts';
import { type BalancedPlan, isBalanced } from './balanced-step.ts';
import { BalancedStepModel } from './balanced-step-model.ts';
import { DeploymentStats } from './deployment-stats.ts';
import { nominalPrice } from './nominal-price.ts';
import { TrackedModel } from './tracked-model.ts';

/** One deployment of a group, with what the strategies need to know of it. */
export interface GroupDeployment {
  model: Model;
  /** How the trace, headers and metrics name it. Default `provider:model`. */
  name?: string;
  /** `weighted`: its share of the calls, relative to the others. Default 1. */
  weight?: number;
  /** `cost`: its price in USD per million input plus million output tokens. Default: from the price table. */
  price?: number;
}

export interface ModelGroupOptions {
  /** Default `weighted`. */
  strategy?: BalanceStrategy;
  /** How the trace names the group. Default: its deployments' names joined by `|`. */
  name?: string;
  /** Uniform in [0, 1). Default Math.random; pass a seeded one for a reproducible order. */
  random?: () => number;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
  /** `latency`: the half-life of the time-to-first-token average while no call measures it. Default 10 s. */
  latencyHalfLifeMs?: number;
  /** When the group is called on its own: the options of the FallbackModel it runs in. */
  fallback?: FallbackModelOptions;
}

// A transient failure is better retried on another deployment than on the one that just had it.
const MOVE_ON: ReadonlySet<ErrorClass> = new Set([
  'rate_limit',
  'overloaded',
  'server',
  'network',
  'timeout',
  'stream_error',
]);

interface Member {
  /** Set for a plain deployment; a nested group or pool measures itself. */
  stats: DeploymentStats | undefined;
  plan: BalancedPlan | undefined;
  /** Index of the member's first leaf in the group's leaves. */
  offset: number;
}

/** A step of deployments balanced by a strategy; see the file comment for how it fails over. */
export class ModelGroup extends BalancedStepModel {
  readonly name: string;
  readonly strategy: BalanceStrategy;
  readonly plan: BalancedPlan;

  constructor(deployments: ReadonlyArray<Model | GroupDeployment>, options: ModelGroupOptions = {}) {
    super(options.fallback);
    if (deployments.length === 0) throw new UserError('A ModelGroup needs at least one deployment.');
    const strategy = options.strategy ?? 'weighted';
    if (!BALANCE_STRATEGIES.includes(strategy)) {
      throw new UserError(
        `Unknown balance strategy '${String(strategy)}'; use one of ${BALANCE_STRATEGIES.join(', ')}.`,
      );
    }
    // A Model has its two calls; anything else is a GroupDeployment holding one.
    const entries = deployments.map((entry) =>
      typeof (entry as Model).request === 'function' ? { model: entry as Model } : (entry as GroupDeployment),
    );
    const names = entries.map((entry) => entry.name ?? deploymentName(entry.model));
    this.name = options.name ?? names.join('|');
    this.strategy = strategy;
    const clock = options.clock ?? Date.now;
    const random = options.random ?? Math.random;
    const moveOn = entries.length > 1 ? moveOnVerdict : undefined;

    const leaves: Model[] = [];
    const roles: LeafRole[] = [];
    const members: Member[] = [];
    const candidates: Candidate[] = [];
    entries.forEach((entry, index) => {
      const offset = leaves.length;
      const deployment = names[index]!;
      const weight = entry.weight ?? 1;
      if (!(weight >= 0)) throw new UserError(`Deployment '${deployment}' has a negative weight.`);
      const price =
        entry.price ?? nominalPrice(entry.model.provider?.name ?? entry.model.system, entry.model.modelName);
      candidates.push({ weight, inFlight: 0, latency: 0, price });
      if (isBalanced(entry.model)) {
        const inner = entry.model.plan;
        leaves.push(...inner.leaves);
        for (const role of inner.roles) roles.push(nestedRole(role, this.name, deployment, moveOn));
        members.push({ stats: undefined, plan: inner, offset });
        return;
      }
      const stats = new DeploymentStats({ halfLifeMs: options.latencyHalfLifeMs });
      leaves.push(new TrackedModel(entry.model, stats, clock));
      const role: LeafRole = { group: this.name, deployment };
      if (moveOn) role.onFailure = moveOn;
      roles.push(role);
      members.push({ stats, plan: undefined, offset });
    });

    this.plan = {
      leaves,
      roles,
      order: () => {
        const now = clock();
        // The candidates are refreshed in place: nothing allocated per call but the order itself.
        for (let index = 0; index < members.length; index++) {
          const member = members[index]!;
          const candidate = candidates[index]!;
          if (member.stats) {
            candidate.inFlight = member.stats.inFlight;
            candidate.latency = member.stats.latency(now);
          } else {
            const load = member.plan!.load(now);
            candidate.inFlight = load.inFlight;
            candidate.latency = load.latency;
          }
        }
        const memberOrder = balancedOrder(strategy, candidates, random);
        const order: number[] = [];
        for (const index of memberOrder) {
          const member = members[index]!;
          if (!member.plan) order.push(member.offset);
          else for (const leaf of member.plan.order()) order.push(member.offset + leaf);
        }
        return order;
      },
      load: (now) => {
        let inFlight = 0;
        let latency = Number.POSITIVE_INFINITY;
        for (const member of members) {
          const load = member.stats
            ? { inFlight: member.stats.inFlight, latency: member.stats.latency(now) }
            : member.plan!.load(now);
          inFlight += load.inFlight;
          latency = Math.min(latency, load.latency);
        }
        return { inFlight, latency };
      },
    };
  }

  get modelName(): string {
    return `group:${this.name}`;
  }

  get system(): string {
    return 'group';
  }
}

function moveOnVerdict(kind: ErrorClass, _error: unknown, othersLeft: boolean): LeafVerdict | undefined {
  return othersLeft && MOVE_ON.has(kind) ? { action: 'fallback' } : undefined;
}

/** A nested step's leaf, as this group sees it: named by the innermost group, moved on by this one too. */
function nestedRole(
  role: LeafRole,
  group: string,
  deployment: string,
  moveOn: NonNullable<LeafRole['onFailure']> | undefined,
): LeafRole {
  // A key pool's keys are this group's deployment; a nested group's leaves keep their own names.
  const nested: LeafRole = role.group === undefined ? { ...role, group, deployment } : { ...role };
  const own = role.onFailure;
  if (own && moveOn) {
    nested.onFailure = (kind, error, othersLeft) =>
      own(kind, error, othersLeft) ?? moveOn(kind, error, othersLeft);
  } else if (moveOn) nested.onFailure = moveOn;
  return nested;
}

/** `provider:model` of a deployment. */
function deploymentName(model: Model): string {
  const provider = model.provider?.name ?? model.system;
  return model.modelName.startsWith(`${provider}:`) ? model.modelName : `${provider}:${model.modelName}`;
}
