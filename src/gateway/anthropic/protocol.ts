/**
 * The Anthropic Messages protocol as the chat pipeline uses it.
 *
 * @example
 * handleChat(anthropicMessagesProtocol, req, res, context);
 */
import { randomBytes } from 'node:crypto';
import { renderAnthropicError } from '../errors/render-error.ts';
import type { ChatProtocol } from '../routing/chat-protocol.ts';
import { parseMessagesRequest } from './request.ts';
import { renderMessage } from './response.ts';
import { AnthropicStreamWriter } from './stream-writer.ts';

export const anthropicMessagesProtocol: ChatProtocol = {
  api: 'anthropic',
  parse: parseMessagesRequest,
  newResponseId: () => `msg_${randomBytes(12).toString('base64url')}`,
  render: (response, served) => renderMessage(response, served),
  streamWriter: (served) => new AnthropicStreamWriter(served),
  renderError: renderAnthropicError,
};
