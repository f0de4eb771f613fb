/**
 * The attempt chain with hedging on. An attempt that has no first content after `hedgeAfterMs` gets a
 * partner: the next eligible model starts in parallel. The first of the two with content wins; the other
 * is aborted (its HTTP adapter closes its socket) and recorded as `'cancelled'` — a lost race says
 * nothing about a model's health, so its breaker is not told. A failure of one leaves the other running;
 * when both have failed the chain goes on with the model after the later of them. At most two attempts
 * run at once, and no attempt starts once the call's deadline has passed.
 *
 * Retries: an attempt that fails while its partner runs is not retried (the partner already is the
 * backup); one that fails alone follows the policy as in the plain chain.
 *
 * @example
 * const scheduler = hedgedChain({ hedgeAfterMs: 800, clock: Date.now }); // the engine's when hedgeAfterMs is set
 */
import type { BegunAttempt, ChainOutcome } from './attempt-lifecycle.ts';
import type { ChainCall, ChainScheduler } from './chain-scheduler.ts';
import { sleep } from './retry.ts';

/** One attempt in the race. `settled` never rejects: it says how the attempt ended. */
interface Flight<T> {
  index: number;
  begun: BegunAttempt;
  retries: number;
  /** Clock time at which this attempt, if still alone and without content, gets a partner. */
  hedgeAt: number;
  /** Already given a partner (or found none): it never asks again. */
  hedged: boolean;
  settled: Promise<Settled<T>>;
}

type Settled<T> =
  | { flight: Flight<T>; ok: true; result: T }
  | { flight: Flight<T>; ok: false; error: unknown };

/** How the hedged chain keeps time. */
export interface HedgedChainOptions {
  hedgeAfterMs: number;
  clock: () => number;
}

/** The hedged schedule: an attempt without content after `hedgeAfterMs` gets a partner. */
export function hedgedChain(options: HedgedChainOptions): ChainScheduler {
  return { run: (call) => runHedgedChain(call, options) };
}

async function runHedgedChain<T>(
  call: ChainCall<T>,
  options: HedgedChainOptions,
): Promise<ChainOutcome<T> | undefined> {
  const { lifecycle, settings, runner, chain, skipped, order } = call;
  const { hedgeAfterMs, clock } = options;
  const models = lifecycle.models;
  const length = order ? order.length : models.length;
  const caller = settings.signal;
  const flights: Flight<T>[] = [];
  let next = call.startIndex;

  const launch = (index: number, retries: number): Flight<T> | undefined => {
    const begun = lifecycle.begin(index, settings, chain);
    if (!begun) return undefined;
    const flight = {
      index,
      begun,
      retries,
      hedgeAt: begun.startedAt + hedgeAfterMs,
      hedged: false,
    } as Flight<T>;
    flight.settled = runner.start(models[index]!, begun.settings, begun.deadline).then(
      (result): Settled<T> => ({ flight, ok: true, result }),
      (error: unknown): Settled<T> => ({ flight, ok: false, error }),
    );
    flights.push(flight);
    return flight;
  };

  /** Starts the next eligible model after those already tried; false when there is none or no time. */
  const launchNext = async (): Promise<boolean> => {
    if (chain.deadline.expired) return false;
    const position = await lifecycle.nextEligible(next, chain, skipped, order);
    if (position === undefined) return false;
    next = position + 1;
    return launch(order ? order[position]! : position, 0) !== undefined;
  };

  const cancelAll = (reason: unknown) => {
    for (const flight of flights.splice(0)) {
      flight.begun.deadline.abort(reason);
      lifecycle.record(chain, flight.index, 'cancelled', { startedAt: flight.begun.startedAt });
      // It may have produced content at the same moment as the winner: give that up too.
      void flight.settled.then((settled) => {
        if (settled.ok) runner.release(settled.result, reason);
      });
    }
    // The trace reads in the order the attempts started, whatever order they ended in.
    chain.attempts.sort((a, b) => a.startedAt - b.startedAt);
  };

  try {
    for (;;) {
      if (flights.length === 0) {
        caller?.throwIfAborted();
        if (!(await launchNext())) return undefined;
        continue;
      }
      const event = await nextSettledOrHedge(flights, next < length, clock);
      if (event === 'hedge') {
        flights[0]!.hedged = true;
        await launchNext();
        continue;
      }
      flights.splice(flights.indexOf(event.flight), 1);
      const { flight } = event;
      if (event.ok) {
        const step = await lifecycle.succeeded(flight.begun, event.result, runner);
        if (step.kind === 'served') {
          cancelAll(lostRace());
          return step.outcome;
        }
        continue; // rejected by a response handler: the partner, if any, may still win
      }
      const verdict = await lifecycle.failed(flight.begun, event.error, flight.retries, caller);
      const partner = flights[0];
      if (partner) {
        // The partner is already the backup: report the hand-over, do not retry alongside it.
        lifecycle.handOver(flight.index, partner.index, event.error, chain);
        continue;
      }
      if (verdict.action === 'retry') {
        await sleep(verdict.waitMs, caller);
        if (!launch(flight.index, flight.retries + 1)) return undefined;
      }
    }
  } catch (error) {
    cancelAll(caller?.aborted ? caller.reason : error);
    throw error;
  }
}

/** Why a losing attempt is aborted: an AbortError, so it reads as a cancellation, never a failure. */
function lostRace(): DOMException {
  return new DOMException('another attempt produced content first', 'AbortError');
}

/**
 * Waits for the first attempt to settle or, when one attempt runs alone without a partner yet and there
 * are models left, for its hedge time — whichever comes first.
 */
async function nextSettledOrHedge<T>(
  flights: Flight<T>[],
  modelsLeft: boolean,
  clock: () => number,
): Promise<Settled<T> | 'hedge'> {
  const lone = flights.length === 1 && !flights[0]!.hedged && modelsLeft ? flights[0]! : undefined;
  if (!lone) return Promise.race(flights.map((flight) => flight.settled));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hedge = new Promise<'hedge'>((resolve) => {
    timer = setTimeout(() => resolve('hedge'), Math.max(0, lone.hedgeAt - clock()));
  });
  try {
    return await Promise.race([lone.settled, hedge]);
  } finally {
    clearTimeout(timer);
  }
}
