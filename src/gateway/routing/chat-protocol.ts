/**
 * What a client protocol (OpenAI Chat Completions and Responses, Anthropic Messages, Gemini) supplies to
 * the one chat pipeline: how to read a request, write a response, a stream and an error. Everything else — routing,
 * limits, the attempt engine, headers, events — is shared.
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { ChatCall } from './chat-call.ts';
import type { PassThroughProtocol } from './pass-through.ts';
import type { ServedModel } from './served.ts';
import type { StreamWriter } from './stream-writer.ts';

/**
 * `Call` is what `parse` makes and the writers get back: a protocol whose answer restates more of its
 * request than a ChatCall holds (Responses) extends it.
 */
export interface ChatProtocol<Call extends ChatCall = ChatCall> {
  readonly api: 'openai' | 'anthropic' | 'gemini';
  parse(body: unknown): Call;
  newResponseId(): string;
  render(response: ModelResponse, served: ServedModel, call: Call): string;
  streamWriter(served: ServedModel, call: Call): StreamWriter;
  renderError(error: GatewayError): string;
  /** How requests go as they are to upstreams of the same protocol; absent: every attempt translates. */
  readonly passThrough?: PassThroughProtocol | undefined;
}
