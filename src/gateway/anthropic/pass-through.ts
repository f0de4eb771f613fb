/**
 * Anthropic Messages passed through to Anthropic upstreams (see routing/pass-through.ts). The protocol's
 * own headers go with the body: `anthropic-beta` (Claude Code's context management, interleaved thinking,
 * effort, ...) and `anthropic-version`; the client's `x-api-key` never does, the provider's key is sent.
 * The answer is the upstream's, byte for byte but for `model` (the message's, and `message_start`'s),
 * which names the `provider:model` that served — what every answer of the gateway says, whichever
 * protocol its upstream spoke.
 */
import { findTopLevelValue, setTopLevelValue } from '../../adapters/pass-through/json-splice.ts';
import type { PassThroughProtocol } from '../routing/pass-through.ts';

const MESSAGE_START = 'event: message_start\ndata: ';

export const anthropicPassThrough: PassThroughProtocol = {
  wireProtocol: 'anthropic-messages',
  headers: ['anthropic-beta', 'anthropic-version'],
  usageKey: 'usage',
  answer: (raw, served) => setTopLevelValue(raw, 'model', served.modelId),
  // Only the stream's first frame names the model: every later frame goes out untouched.
  frames: (raw, served) => (raw.startsWith(MESSAGE_START) ? withServedModel(raw, served.modelId) : raw),
};

/** The frames with `message_start`'s `message.model` set to the model that served. */
function withServedModel(raw: string, modelId: string): string {
  const start = MESSAGE_START.length;
  const end = raw.indexOf('\n', start);
  if (end === -1) return raw;
  const data = raw.slice(start, end);
  const message = findTopLevelValue(data, 'message');
  if (!message) return raw;
  const rewritten = setTopLevelValue(data.slice(message[0], message[1]), 'model', modelId);
  return `${raw.slice(0, start)}${data.slice(0, message[0])}${rewritten}${data.slice(message[1])}${raw.slice(end)}`;
}
