/**
 * OpenAI Chat Completions passed through to OpenAI-compatible chat upstreams (see
 * routing/pass-through.ts). Two things differ from the upstream's bytes, both the gateway's contract:
 * `model` in the answer (and in each chunk) names the `provider:model` that served, as every answer of
 * this endpoint does; and a stream always asks its upstream for usage (`stream_options.include_usage`),
 * without which it would have no cost and no token count for limits — the usage chunk is taken out again
 * when the client did not ask for it. No OpenAI request header is protocol-specific: none is forwarded.
 */
import { setTopLevelValue } from '../../adapters/pass-through/json-splice.ts';
import type { PassThroughProtocol } from '../routing/pass-through.ts';

export const openAIChatPassThrough: PassThroughProtocol = {
  wireProtocol: 'openai-chat',
  headers: [],
  prepareBody(text, json, call) {
    if (!call.stream || call.includeUsage) return text;
    const options = json.stream_options;
    const merged =
      typeof options === 'object' && options !== null
        ? { ...options, include_usage: true }
        : { include_usage: true };
    return setTopLevelValue(text, 'stream_options', merged);
  },
  answer: (raw, served) => setTopLevelValue(raw, 'model', served.modelId),
  frames(raw, served, call) {
    let out = '';
    let start = 0;
    while (start < raw.length) {
      const end = raw.indexOf('\n\n', start);
      const stop = end === -1 ? raw.length : end + 2;
      out += chunkFrame(raw.slice(start, stop), served.modelId, call.includeUsage);
      start = stop;
    }
    return out;
  },
};

const DATA = 'data: {';

/** One `data:` frame with the served model set, or '' for a usage chunk the client did not ask for. */
function chunkFrame(frame: string, modelId: string, includeUsage: boolean): string {
  if (!frame.startsWith(DATA)) return frame;
  const json = frame.slice(6, frame.length - 2);
  if (json.indexOf('\n') !== -1) return frame;
  if (!includeUsage && isUsageChunk(json)) return '';
  return `data: ${setTopLevelValue(json, 'model', modelId)}\n\n`;
}

/** The chunk `include_usage` adds: no choices, only usage. */
function isUsageChunk(json: string): boolean {
  return (json.includes('"choices":[]') || json.includes('"choices": []')) && json.includes('"usage"');
}
