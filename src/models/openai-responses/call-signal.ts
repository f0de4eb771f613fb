/**
 * The signal one adapter call runs under, and the one place its failures are mapped to what the caller
 * sees. The Responses and Bedrock adapters share it: their cancellation rules are the same.
 */
import { ModelAPIError } from '../../errors/index.ts';
import { transportError } from '../../http/client.ts';
import type { ModelSettings } from '../../settings.ts';

/**
 * Combines the caller's `settings.signal`, the adapter's own controller (`cancel()` on a stream, an early
 * `break`) and, for a bare adapter given `settings.timeout`, a deadline. The caller's abort keeps its own
 * reason; the deadline becomes a `ModelAPIError` of kind `timeout`; anything else goes through
 * `transportError`.
 *
 * @example
 * const call = new CallSignal('gpt-5', { timeout: 5_000 });
 * try { await postJson({ ...upstream, signal: call.signal }); } catch (error) { throw call.mapFailure(error); }
 * finally { call.dispose(); }
 */
export class CallSignal {
  readonly controller = new AbortController();
  readonly signal: AbortSignal;
  private readonly modelName: string;
  private readonly settings: ModelSettings;
  private readonly deadline: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(modelName: string, settings: ModelSettings) {
    this.modelName = modelName;
    this.settings = settings;
    const sources = [this.controller.signal];
    if (settings.signal) sources.push(settings.signal);
    if (settings.timeout !== undefined) {
      // Our own timer rather than AbortSignal.timeout, so a finished call does not keep it alive.
      const deadline = new AbortController();
      this.timer = setTimeout(
        () => deadline.abort(new DOMException('deadline exceeded', 'TimeoutError')),
        settings.timeout,
      );
      this.timer.unref?.();
      this.deadline = deadline;
      sources.push(deadline.signal);
    }
    this.signal = AbortSignal.any(sources);
  }

  /** Maps a failure of this call (HTTP, transport, abort, deadline) to the error the caller sees. */
  mapFailure = (error: unknown): unknown => {
    const callerSignal = this.settings.signal;
    if (callerSignal?.aborted) return callerSignal.reason;
    if (this.deadline?.signal.aborted && !(error instanceof ModelAPIError)) {
      return new ModelAPIError(
        this.modelName,
        `${this.modelName}: no answer within the ${this.settings.timeout} ms timeout`,
        { kind: 'timeout', cause: error },
      );
    }
    return transportError(error, this.modelName, this.signal);
  };

  /** Stops the deadline timer once the call has finished. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
