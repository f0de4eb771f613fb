/**
 * The OpenAI Responses protocol (`POST /v1/responses`) as the chat pipeline uses it: the same routing,
 * fallback, limits, headers and events as Chat Completions and Messages, with the Responses request,
 * answer, event stream and OpenAI's error shape; passed through as it came to Responses upstreams.
 */
import { renderOpenAIError } from '../errors/render-error.ts';
import type { ChatProtocol } from '../routing/chat-protocol.ts';
import { responseIdMaker } from '../routing/response-id.ts';
import { openAIResponsesPassThrough } from './pass-through.ts';
import { parseResponsesRequest } from './request.ts';
import { renderResponse } from './response.ts';
import type { ResponsesCall } from './responses-call.ts';
import { ResponsesStreamWriter } from './stream-writer.ts';

export const openAIResponsesProtocol: ChatProtocol<ResponsesCall> = {
  api: 'openai',
  parse: parseResponsesRequest,
  newResponseId: responseIdMaker('resp_'),
  render: renderResponse,
  streamWriter: (served, call) => new ResponsesStreamWriter(served, call),
  renderError: renderOpenAIError,
  passThrough: openAIResponsesPassThrough,
};
