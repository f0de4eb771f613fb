/**
 * OpenAI Responses passed through to Responses upstreams (see routing/pass-through.ts): the client's body
 * as it came — hosted tools, `previous_response_id`-free conversations, `include`, `store`, every future
 * field — with only `model` replaced. The answer is the upstream's, byte for byte but for the `model` of
 * the `response` object (in a stream, that of the events that carry one: `response.created`,
 * `response.in_progress`, `response.completed` and the other terminal events), which names the
 * `provider:model` that served, as every answer of the gateway does. No Responses request header is
 * protocol-specific: none is forwarded.
 */
import { findTopLevelValue, setTopLevelValue } from '../../adapters/pass-through/json-splice.ts';
import type { PassThroughProtocol } from '../routing/pass-through.ts';

export const openAIResponsesPassThrough: PassThroughProtocol = {
  wireProtocol: 'openai-responses',
  headers: [],
  usageKey: 'usage',
  answer: (raw, served) => setTopLevelValue(raw, 'model', served.modelId),
  frames(raw, served) {
    // Most frames are deltas: only those with a whole `response` object name a model.
    if (!raw.includes(RESPONSE_KEY)) return raw;
    let out = '';
    let start = 0;
    while (start < raw.length) {
      const end = raw.indexOf('\n\n', start);
      const stop = end === -1 ? raw.length : end + 2;
      out += withServedModel(raw.slice(start, stop), served.modelId);
      start = stop;
    }
    return out;
  },
};

const RESPONSE_KEY = '"response":{';
const DATA = 'data: ';

/** One SSE frame with its `response.model` set, when it carries a response object. */
function withServedModel(frame: string, modelId: string): string {
  if (!frame.includes(RESPONSE_KEY)) return frame;
  const dataAt = frame.startsWith(DATA) ? 0 : frame.indexOf(`\n${DATA}`) + 1;
  if (dataAt === 0 && !frame.startsWith(DATA)) return frame;
  const start = dataAt + DATA.length;
  const lineEnd = frame.indexOf('\n', start);
  const end = lineEnd === -1 ? frame.length : lineEnd;
  const data = frame.slice(start, end);
  const response = findTopLevelValue(data, 'response');
  if (!response) return frame;
  const rewritten = setTopLevelValue(data.slice(response[0], response[1]), 'model', modelId);
  return `${frame.slice(0, start)}${data.slice(0, response[0])}${rewritten}${data.slice(response[1])}${frame.slice(end)}`;
}
