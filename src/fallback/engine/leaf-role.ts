/**
 * What a model's place in a balanced group adds to the attempt engine: the names its attempts carry
 * (group, deployment; the key fingerprint comes from the model's provider), and a say over its own
 * failures. A group's deployment that fails moves the call to the group's next deployment rather than
 * being retried (the last one left gets the route's retries), and a pooled key that is rate-limited moves to the next key at once, cooling for its
 * Retry-After: decisions the route's policy, which knows kinds but not places, cannot make.
 *
 * @example
 * const role: LeafRole = { group: 'gpt-4o-pool', deployment: 'east:gpt-4o' };
 */
import type { ErrorClass } from './classify.ts';

/** What a leaf's role decides about one of its failures; undefined leaves it to the route's policy. */
export interface LeafVerdict {
  action: 'fallback';
  /** Open this leaf's breaker for this long (a key's Retry-After). */
  openForMs?: number;
  /**
   * Stay in this leaf's key pool: the next key of the same deployment is tried. Any other move on from a
   * pooled key leaves the pool, since a failure that is not the key's would be every key's.
   */
  nextKey?: boolean;
}

export interface LeafRole {
  /** The group the leaf was chosen from, as the trace names it. */
  group?: string;
  /** The deployment within the group (several keys of one deployment share it). */
  deployment?: string;
  /** Leaves of one key pool share this object: a move on that is not to the next key skips them all. */
  pool?: object;
  /** A pooled key resting after a rate limit or quota error: until when (epoch ms); else undefined. */
  restingUntil?(): number | undefined;
  /**
   * The leaf's own verdict on a failure the conditions accepted, before the route's policy.
   * `othersLeft`: whether this call's order still holds another deployment of the leaf's group.
   */
  onFailure?(kind: ErrorClass, error: unknown, othersLeft: boolean): LeafVerdict | undefined;
}
