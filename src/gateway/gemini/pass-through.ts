/**
 * Gemini requests passed through to Gemini upstreams (see routing/pass-through.ts): the client's body
 * goes as it is — the model is in the URL, which the upstream's adapter writes with its own model name —
 * so thought signatures, `topK`, `safetySettings`, server tools and every future field reach Gemini
 * unchanged. The answer is the upstream's, but for `modelVersion` (in the body, and in each streamed
 * chunk), which names the `provider:model` that served, as every answer of the gateway does. Only an SSE
 * stream (`alt=sse`) or a whole answer passes through: the JSON-array stream is the gateway's to write.
 */
import { setTopLevelValue } from '../../adapters/pass-through/json-splice.ts';
import type { PassThroughProtocol } from '../routing/pass-through.ts';

export const geminiPassThrough: PassThroughProtocol = {
  wireProtocol: 'gemini',
  headers: [],
  modelInPath: true,
  usageKey: 'usageMetadata',
  answer: (raw, served) => setTopLevelValue(raw, 'modelVersion', served.modelId),
  frames(raw, served) {
    let out = '';
    let start = 0;
    while (start < raw.length) {
      const end = raw.indexOf('\n\n', start);
      const stop = end === -1 ? raw.length : end + 2;
      const frame = raw.slice(start, stop);
      out += frame.startsWith('data: {') ? setTopLevelValue(frame, 'modelVersion', served.modelId) : frame;
      start = stop;
    }
    return out;
  },
};
