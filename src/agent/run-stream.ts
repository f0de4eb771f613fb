/**
 * A streamed Agent run: iterate it for events as they happen, then read the final result. The same shape
 * as the AI SDK's `streamText` (`fullStream` then awaited results) and pydantic-ai's `run_stream`, folded
 * into one object so there is one way to consume it.
 *
 * @example
 * const run = agent.runStream('Tell me a story');
 * for await (const event of run) if (event.kind === 'text-delta') process.stdout.write(event.delta);
 * const { output, usage } = await run.result();
 */
import { UserError } from '../core/errors/index.ts';
import type { AgentRunResult, AgentStreamEvent } from './run-loop.ts';

export class AgentRunStream<Output> implements AsyncIterable<AgentStreamEvent> {
  readonly #events: AsyncGenerator<AgentStreamEvent, AgentRunResult<Output>>;
  readonly #result: Promise<AgentRunResult<Output>>;
  #resolve!: (result: AgentRunResult<Output>) => void;
  #reject!: (error: unknown) => void;
  #started = false;

  /** @param events the run loop; it starts only when the stream is iterated or `result()` is asked for. */
  constructor(events: AsyncGenerator<AgentStreamEvent, AgentRunResult<Output>>) {
    this.#events = events;
    this.#result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A caller who only iterates sees the failure there; it must not also surface as an unhandled rejection.
    this.#result.catch(() => {});
  }

  [Symbol.asyncIterator](): AsyncIterator<AgentStreamEvent> {
    if (this.#started) {
      throw new UserError('An Agent run stream can be iterated only once; await result() for the outcome.');
    }
    this.#started = true;
    return this.#iterate();
  }

  /**
   * The final result, once the run has finished. Without iterating first, it runs the stream to its end
   * (discarding the events); after breaking out of the iteration early, it rejects.
   */
  result(): Promise<AgentRunResult<Output>> {
    if (!this.#started) {
      void (async () => {
        for await (const _event of this) {
          // Events are not wanted; draining runs the loop to its result.
        }
      })().catch(() => {});
    }
    return this.#result;
  }

  async *#iterate(): AsyncGenerator<AgentStreamEvent> {
    let settled = false;
    try {
      while (true) {
        const next = await this.#events.next();
        if (next.done) {
          settled = true;
          this.#resolve(next.value);
          return;
        }
        yield next.value;
      }
    } catch (error) {
      settled = true;
      this.#reject(error);
      throw error;
    } finally {
      if (!settled) {
        // The consumer stopped early: stop the loop (which cancels the model stream) and say so.
        await this.#events.return(undefined as never).catch(() => {});
        this.#reject(new UserError('The run stream was stopped before the run finished.'));
      }
    }
  }
}
