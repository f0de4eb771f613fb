/**
 * The OpenAI Chat Completions protocol as the chat pipeline uses it: the handler picks it by route, and
 * everything the pipeline does differently for this protocol is answered here.
 */
import { renderOpenAIError } from '../errors/render-error.ts';
import type { ChatProtocol } from '../routing/chat-protocol.ts';
import { responseIdMaker } from '../routing/response-id.ts';
import { openAIChatPassThrough } from './pass-through.ts';
import { parseChatCompletionsRequest } from './request.ts';
import { renderChatCompletion } from './response.ts';
import { OpenAIStreamWriter } from './stream-writer.ts';

export const openAIChatProtocol: ChatProtocol = {
  api: 'openai',
  parse: parseChatCompletionsRequest,
  newResponseId: responseIdMaker('chatcmpl-'),
  render: (response, served, call) => renderChatCompletion(response, served, call.outputToolName),
  streamWriter: (served, call) =>
    new OpenAIStreamWriter(served, { includeUsage: call.includeUsage, outputToolName: call.outputToolName }),
  renderError: renderOpenAIError,
  passThrough: openAIChatPassThrough,
};
