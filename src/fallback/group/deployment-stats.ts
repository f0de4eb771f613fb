/**
 * What the balancing strategies know of one deployment: how many calls it has in flight, and a decaying
 * average of its time to first token. The average decays with time as well as with samples (half-life
 * `halfLifeMs`): a deployment the latency strategy stopped choosing because it was slow looks a little
 * faster every second it is left alone, until it is chosen again and measured afresh. Without that, a
 * deployment that was slow once would never be tried again.
 *
 * @example
 * const stats = new DeploymentStats({ halfLifeMs: 10_000 });
 * stats.sample(420, Date.now());
 * stats.latency(Date.now() + 10_000); // 210
 */

export interface DeploymentStatsOptions {
  /** How fast an old measurement fades while no new one comes. Default 10 s. */
  halfLifeMs?: number;
  /** Weight of a new sample against the decayed average. Default 0.3. */
  alpha?: number;
}

export class DeploymentStats {
  /** Calls started on this deployment that have not ended (a stream ends with its last event). */
  inFlight = 0;
  private average = 0;
  private sampledAt = 0;
  private sampled = false;
  private readonly halfLifeMs: number;
  private readonly alpha: number;

  constructor(options: DeploymentStatsOptions = {}) {
    this.halfLifeMs = options.halfLifeMs ?? 10_000;
    this.alpha = options.alpha ?? 0.3;
  }

  /** The expected time to first token at `now`, in ms; 0 for a deployment never measured (try it first). */
  latency(now: number): number {
    if (!this.sampled) return 0;
    const age = now - this.sampledAt;
    return age <= 0 ? this.average : this.average * 0.5 ** (age / this.halfLifeMs);
  }

  /** A call's time to first token (a whole answer's time, for a request that is not streamed). */
  sample(ms: number, now: number): void {
    this.average = this.sampled ? this.latency(now) * (1 - this.alpha) + ms * this.alpha : ms;
    this.sampledAt = now;
    this.sampled = true;
  }
}
