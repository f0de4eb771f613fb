/**
 * The plain attempt chain: one attempt at a time, the models in order, each retried while the policy and
 * the deadline allow before the next is tried. Models whose breaker is open are skipped.
 *
 * @example
 * const served = await sequentialChain.run({ lifecycle, settings, runner, chain, startIndex: 0, order: undefined, skipped: [] });
 */
import type { Step } from './attempt-lifecycle.ts';
import type { ChainCall, ChainScheduler } from './chain-scheduler.ts';
import { sleep } from './retry.ts';

export const sequentialChain: ChainScheduler = {
  async run(call) {
    const { lifecycle, settings, chain, skipped, order } = call;
    const length = order ? order.length : lifecycle.models.length;
    for (let position = call.startIndex; position < length; position++) {
      settings.signal?.throwIfAborted();
      if (chain.deadline.expired) break;
      const eligible = await lifecycle.nextEligible(position, chain, skipped, order);
      if (eligible === undefined) break;
      position = eligible;
      const step = await tryModel(call, order ? order[position]! : position);
      if (step.kind === 'served') return step.outcome;
      if (step.kind === 'stop') break;
    }
    return undefined;
  },
};

/**
 * Attempts model `index` until it serves, its retries run out, or the deadline passes. Also the engine's
 * all-breakers-open last resort, which tries one model alone whatever the schedule.
 */
export async function tryModel<T>(call: ChainCall<T>, index: number): Promise<Step<T>> {
  const { lifecycle, settings, runner, chain } = call;
  const model = lifecycle.models[index]!;
  for (let retries = 0; ; retries++) {
    const begun = lifecycle.begin(index, settings, chain);
    if (!begun) return { kind: 'stop' };
    let result: T;
    try {
      result = await runner.start(model, begun.settings, begun.deadline);
    } catch (error) {
      const verdict = await lifecycle.failed(begun, error, retries, settings.signal);
      if (verdict.action === 'retry') {
        await sleep(verdict.waitMs, settings.signal);
        continue;
      }
      return { kind: chain.deadline.expired ? 'stop' : 'next' };
    }
    return lifecycle.succeeded(begun, result, runner);
  }
}
