/**
 * The calls the gateway is serving, so that a shutdown can end those that outlive its drain timeout —
 * each with an error the client sees (a JSON error, or an error frame in a started stream), never a
 * silently dropped connection.
 */
import { ModelAPIError } from '../../core/errors/index.ts';

/** The abort reason of a call whose client went away: nothing is left to answer. */
export const CLIENT_DISCONNECTED = new Error('client disconnected');

/** The abort reason of a call cut by a shutdown's drain timeout: answered with a retryable 503. */
export const GATEWAY_SHUTTING_DOWN = new ModelAPIError(
  'gateway',
  'The gateway is shutting down; retry the request.',
  {
    kind: 'overloaded',
  },
);

export class InFlightCalls {
  private readonly calls = new Set<AbortController>();

  /** Registers a call until `untrack` (when its response has closed). */
  track(call: AbortController): void {
    this.calls.add(call);
  }

  untrack(call: AbortController): void {
    this.calls.delete(call);
  }

  get size(): number {
    return this.calls.size;
  }

  /** Aborts every call still in flight with the shutdown reason. */
  abortAll(): void {
    for (const call of this.calls) call.abort(GATEWAY_SHUTTING_DOWN);
    this.calls.clear();
  }
}

/** True when the call was aborted because its client disconnected (not by a shutdown). */
export function clientDisconnected(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason === CLIENT_DISCONNECTED;
}
