/**
 * How balanced steps (a `ModelGroup`, a `KeyPool`) join a FallbackModel's chain. A balanced step is a
 * Model, so it can stand anywhere a model can; a FallbackModel that holds one does not call it as a
 * model but lays its deployments out flat in its own attempt engine, and asks it for an order on each
 * call. So one deadline, one breaker per deployment and one attempt trace cover the whole route, however
 * deep groups nest, and the trace shows every deployment and key tried rather than one opaque "group".
 *
 * @example
 * const steps = expandSteps([group, backup]);
 * steps.leaves; // group's deployments, then backup
 * steps.order(); // e.g. [1, 0, 2]: this call tries the group's second deployment first
 */
import type { Model } from '../../core/model.ts';
import type { LeafRole } from '../engine/leaf-role.ts';

/** A step's deployments laid out flat, and how one call orders them. */
export interface BalancedPlan {
  readonly leaves: readonly Model[];
  /** One per leaf: the names its attempts carry and its say on failures. */
  readonly roles: readonly LeafRole[];
  /** This call's order of the leaves, as indices into `leaves`; may leave some out (a key taken out). */
  order(): number[];
  /** Calls in flight across the step's leaves, and the lowest expected time to first token: a nested step's load. */
  load(now: number): { inFlight: number; latency: number };
}

/** A Model that a FallbackModel expands into its deployments. */
export interface BalancedModel extends Model {
  readonly plan: BalancedPlan;
}

export function isBalanced(model: Model): model is BalancedModel {
  return typeof (model as Partial<BalancedModel>).plan === 'object';
}

/** A chain's steps laid out flat: every leaf model, its role, and each call's order. */
export interface ExpandedSteps {
  leaves: Model[];
  roles: (LeafRole | undefined)[];
  /** Undefined when no step is balanced: the engine's own order, and nothing to compute per call. */
  order: (() => number[]) | undefined;
}

export function expandSteps(steps: readonly Model[]): ExpandedSteps {
  const leaves: Model[] = [];
  const roles: (LeafRole | undefined)[] = [];
  const parts: Array<{ offset: number; plan: BalancedPlan | undefined }> = [];
  for (const step of steps) {
    const offset = leaves.length;
    if (isBalanced(step)) {
      leaves.push(...step.plan.leaves);
      roles.push(...step.plan.roles);
      parts.push({ offset, plan: step.plan });
    } else {
      leaves.push(step);
      roles.push(undefined);
      parts.push({ offset, plan: undefined });
    }
  }
  if (!parts.some((part) => part.plan)) return { leaves, roles, order: undefined };
  return {
    leaves,
    roles,
    order: () => {
      const order: number[] = [];
      for (const { offset, plan } of parts) {
        if (!plan) order.push(offset);
        else for (const index of plan.order()) order.push(offset + index);
      }
      return order;
    },
  };
}
