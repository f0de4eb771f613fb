/**
 * How a client protocol writes a stream. The gateway's stream runner owns the socket, the commit point
 * and back-pressure; a writer only turns events into the protocol's SSE text, so both protocols share
 * one runner and each writer is testable as plain string output.
 */
import type { ModelResponse, ModelResponseStreamEvent } from '../../core/messages.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

export interface StreamWriter {
  /** The stream's content type, when not SSE (Gemini without `alt=sse` streams a JSON array). */
  readonly contentType?: string;
  /**
   * The frames that open the stream, written together with the first event at commit; `usage` is what
   * the upstream has said of it so far (its input tokens, where its protocol tells them before content).
   */
  start(usage?: RequestUsage): string;
  /** The frames for one event ('' when the protocol has nothing to say about it). */
  event(event: ModelResponseStreamEvent): string;
  /** The closing frames of a stream that ended well, from the final response (usage and cost set). */
  finish(response: ModelResponse): string;
  /** The error frame that ends a stream that broke after commit. */
  error(error: GatewayError): string;
}
