/**
 * Chooses the fault for one request. Precedence, most specific first: the request's `x-chaos` header, a
 * scheduled outage that is on now, the model's own rule, the server's rule. Rules are a fixed spec or a
 * probabilistic mix drawn from a seeded PRNG, so a run with the same seed fails the same requests.
 */
import { seededRandom } from '../fallback/group/seeded-random.ts';
import { type FaultPlan, parseFaultSpec } from './fault-spec.ts';
import type { AnswerMode, FaultRule, Scenario } from './scenario.ts';

/** Turns a rule into a function that yields the next request's plan (undefined = behave). */
export function compileFaultRule(rule: FaultRule): () => FaultPlan | undefined {
  if (typeof rule === 'string') {
    const plan = parseFaultSpec(rule);
    const effective = isNoop(plan) ? undefined : plan;
    return () => effective;
  }
  const random = seededRandom(rule.seed ?? 1);
  const entries = rule.mix.map((entry) => ({ plan: parseFaultSpec(entry.fault), weight: entry.weight }));
  return () => {
    let draw = random();
    for (const entry of entries) {
      if (draw < entry.weight) return isNoop(entry.plan) ? undefined : entry.plan;
      draw -= entry.weight;
    }
    return undefined;
  };
}

function isNoop(plan: FaultPlan): boolean {
  return plan.fault === undefined && plan.firstTokenMs === undefined && plan.tokensPerSecond === undefined;
}

/** The answer and pacing a model gets when no fault overrides them. */
export interface ModelBehaviour {
  answer: AnswerMode;
  firstTokenMs: number;
  tokensPerSecond: number | undefined;
}

/** Options of `FaultSelector`: the clock, for tests of scheduled outages that must not wait. */
export interface FaultSelectorOptions {
  /** Milliseconds now; default `Date.now`. */
  now?: () => number;
  /** When the schedule's second 0 is; default the selector's creation time. */
  startedAt?: number;
}

/**
 * Picks each request's fault from a scenario.
 *
 * @example
 * const selector = new FaultSelector(parseScenario({ schedule: [{ from: 10, to: 40, fault: 'status:503' }] }));
 * selector.choose('gpt-4o', undefined); // undefined before second 10, the 503 plan during the outage
 */
export class FaultSelector {
  readonly #scenario: Scenario;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #serverRule: (() => FaultPlan | undefined) | undefined;
  readonly #modelRules = new Map<string, () => FaultPlan | undefined>();
  readonly #keyRules = new Map<string, () => FaultPlan | undefined>();
  readonly #behaviours = new Map<string, ModelBehaviour>();
  readonly #outages: { fromMs: number; toMs: number; plan: FaultPlan; model: string | undefined }[];
  /** True when nothing but the header can fault a request: the hot path skips all lookups. */
  readonly #quiet: boolean;

  constructor(scenario: Scenario, options: FaultSelectorOptions = {}) {
    this.#scenario = scenario;
    this.#now = options.now ?? Date.now;
    this.#startedAt = options.startedAt ?? this.#now();
    this.#serverRule = scenario.fault === undefined ? undefined : compileFaultRule(scenario.fault);
    for (const [model, override] of Object.entries(scenario.models)) {
      if (override.fault !== undefined) this.#modelRules.set(model, compileFaultRule(override.fault));
    }
    for (const [key, override] of Object.entries(scenario.keys)) {
      this.#keyRules.set(key, compileFaultRule(override.fault));
    }
    this.#outages = scenario.schedule.map((entry) => ({
      fromMs: entry.from * 1000,
      toMs: entry.to * 1000,
      plan: parseFaultSpec(entry.fault),
      model: entry.model,
    }));
    this.#quiet =
      this.#serverRule === undefined &&
      this.#modelRules.size === 0 &&
      this.#keyRules.size === 0 &&
      this.#outages.length === 0;
  }

  /**
   * The plan for one request, or undefined to answer normally. A bad header spec throws `FaultSpecError`,
   * which the server turns into a 400 naming the valid faults. `apiKey`: the key the request carried, for
   * the scenario's `keys:` faults.
   */
  choose(model: string, header: string | undefined, apiKey?: string): FaultPlan | undefined {
    if (header !== undefined) {
      const plan = parseFaultSpec(header);
      return isNoop(plan) ? undefined : plan;
    }
    if (this.#quiet) return undefined;
    const keyRule = apiKey === undefined ? undefined : this.#keyRules.get(apiKey);
    if (keyRule) return keyRule();
    const outage = this.#activeOutage(model);
    if (outage) return outage;
    const modelRule = this.#modelRules.get(model);
    if (modelRule) return modelRule();
    return this.#serverRule?.();
  }

  /**
   * The fault known before any request is read: a server-wide `refuse` (fixed or scheduled). The server
   * uses it to drop connections the moment they open, as a dead upstream would.
   */
  atConnection(): FaultPlan | undefined {
    if (this.#quiet) return undefined;
    const outage = this.#activeOutage(undefined);
    if (outage) return outage.fault?.kind === 'refuse' ? outage : undefined;
    const fixed = typeof this.#scenario.fault === 'string' ? this.#serverRule?.() : undefined;
    return fixed?.fault?.kind === 'refuse' ? fixed : undefined;
  }

  /** The answer mode and latency for a model: its override, else the server's. */
  behaviourOf(model: string): ModelBehaviour {
    let behaviour = this.#behaviours.get(model);
    if (behaviour) return behaviour;
    const override = this.#scenario.models[model];
    const latency = { ...this.#scenario.latency, ...override?.latency };
    behaviour = {
      answer: override?.answer ?? this.#scenario.answer,
      firstTokenMs: latency.firstTokenMs ?? 0,
      tokensPerSecond: latency.tokensPerSecond,
    };
    // Model names come from clients; keep the cache bounded.
    if (this.#behaviours.size > 1000) this.#behaviours.clear();
    this.#behaviours.set(model, behaviour);
    return behaviour;
  }

  #activeOutage(model: string | undefined): FaultPlan | undefined {
    if (this.#outages.length === 0) return undefined;
    const elapsed = this.#now() - this.#startedAt;
    for (const outage of this.#outages) {
      if (elapsed < outage.fromMs || elapsed >= outage.toMs) continue;
      if (outage.model !== undefined && outage.model !== model) continue;
      return outage.plan;
    }
    return undefined;
  }
}
