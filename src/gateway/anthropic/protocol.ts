/**
 * The Anthropic Messages protocol as the chat pipeline uses it: the handler picks it by route, and
 * everything the pipeline does differently for this protocol is answered here.
 */
import { renderAnthropicError } from '../errors/render-error.ts';
import type { ChatCall } from '../routing/chat-call.ts';
import type { ChatProtocol } from '../routing/chat-protocol.ts';
import { responseIdMaker } from '../routing/response-id.ts';
import { anthropicPassThrough } from './pass-through.ts';
import { parseMessagesRequest } from './request.ts';
import { type AnthropicRenderOptions, renderMessage } from './response.ts';
import { AnthropicStreamWriter } from './stream-writer.ts';

export const anthropicMessagesProtocol: ChatProtocol = {
  api: 'anthropic',
  parse: parseMessagesRequest,
  newResponseId: responseIdMaker('msg_'),
  render: (response, served, call) => renderMessage(response, served, renderOptions(call)),
  streamWriter: (served, call) =>
    new AnthropicStreamWriter(served, {
      ...renderOptions(call),
      estimatedInputTokens: call.estimatedInputTokens,
    }),
  renderError: renderAnthropicError,
  passThrough: anthropicPassThrough,
};

function renderOptions(call: ChatCall): AnthropicRenderOptions {
  return { omitThinking: call.omitThinking === true, outputToolName: call.outputToolName };
}
