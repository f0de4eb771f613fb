/**
 * The Gemini `generateContent` protocol as the chat pipeline uses it. Unlike the other protocols the URL
 * says what the body does not (the model, whether to stream, SSE or a JSON array), and the answer depends
 * on one field of the body (`includeThoughts`), so the handler makes one of these per request: a single
 * small object, read from the path it has already split.
 *
 * @example
 * const protocol = new GeminiProtocol('gemini-2.5-flash', 'streamGenerateContent', 'alt=sse');
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { ChatCall } from '../routing/chat-call.ts';
import type { ChatProtocol } from '../routing/chat-protocol.ts';
import type { PassThroughProtocol } from '../routing/pass-through.ts';
import { responseIdMaker } from '../routing/response-id.ts';
import type { ServedModel } from '../routing/served.ts';
import type { StreamWriter } from '../routing/stream-writer.ts';
import { renderGeminiError } from './error.ts';
import { geminiPassThrough } from './pass-through.ts';
import { parseGenerateContent } from './request.ts';
import { renderGenerateContent } from './response.ts';
import { GeminiStreamWriter } from './stream-writer.ts';

const nextResponseId = responseIdMaker('');

export class GeminiProtocol implements ChatProtocol {
  readonly api = 'gemini';
  /** Same protocol in and out: whole answers and SSE streams go as they are to Gemini upstreams. */
  readonly passThrough: PassThroughProtocol | undefined;
  private readonly model: string;
  private readonly stream: boolean;
  private readonly sse: boolean;
  private includeThoughts = false;

  constructor(model: string, method: 'generateContent' | 'streamGenerateContent', query: string) {
    this.model = model;
    this.stream = method === 'streamGenerateContent';
    this.sse = /(?:^|&)alt=sse(?:&|$)/.test(query);
    this.passThrough = this.sse || !this.stream ? geminiPassThrough : undefined;
  }

  parse(body: unknown): ChatCall {
    const { call, includeThoughts } = parseGenerateContent(body, this.model, this.stream);
    this.includeThoughts = includeThoughts;
    return call;
  }

  newResponseId(): string {
    return nextResponseId();
  }

  render(response: ModelResponse, served: ServedModel, call: ChatCall): string {
    return renderGenerateContent(response, served, {
      includeThoughts: this.includeThoughts,
      outputToolName: call.outputToolName,
    });
  }

  streamWriter(served: ServedModel, call: ChatCall): StreamWriter {
    const options = { includeThoughts: this.includeThoughts, outputToolName: call.outputToolName };
    return new GeminiStreamWriter(served, options, this.sse);
  }

  renderError(error: GatewayError): string {
    return renderGeminiError(error);
  }
}
