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
  usageKey: 'usage',
  answer: (raw, served) => withModel(raw, served.modelId, 0),
  frames(raw, served, call) {
    // One frame per event is the usual case: no split.
    const first = raw.indexOf('\n\n');
    if (first === raw.length - 2) return chunkFrame(raw, served.modelId, call.includeUsage);
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

/** One `data:` frame with the served model set, or '' for a usage chunk the client did not ask for. */
function chunkFrame(frame: string, modelId: string, includeUsage: boolean): string {
  if (!frame.startsWith(DATA)) return frame;
  if (!includeUsage && isUsageChunk(frame)) return '';
  return withModel(frame, modelId, DATA.length - 1);
}

const DATA = 'data: {';
const MODEL_KEY = '"model":"';
let lastModelId = '';
let lastModelJson = '""';

/**
 * The JSON object opening at `open` (a whole answer, or a frame after its `data: `) with its top-level
 * `model` string replaced. Every answer and chunk has one, so the common shape gets native searches
 * only: `"model":"` unescaped is a key (a string's quotes are escaped), and top-level when no bracket
 * opens between the object's `{` and it. Anything else takes the full scan.
 */
function withModel(frame: string, modelId: string, open: number): string {
  if (modelId !== lastModelId) {
    lastModelId = modelId;
    lastModelJson = JSON.stringify(modelId);
  }
  const key = frame.indexOf(MODEL_KEY);
  if (
    key !== -1 &&
    frame.charCodeAt(open) === 123 &&
    frame.lastIndexOf('{', key) === open &&
    frame.lastIndexOf('[', key) === -1
  ) {
    const close = frame.indexOf('"', key + MODEL_KEY.length);
    if (close !== -1 && frame.charCodeAt(close - 1) !== 92) {
      return frame.slice(0, key + MODEL_KEY.length - 1) + lastModelJson + frame.slice(close + 1);
    }
  }
  // A frame's `data: ` prefix holds no quote or bracket, so the splice reads the frame as it is.
  return setTopLevelValue(frame, 'model', modelId);
}

/** The chunk `include_usage` adds: no choices, only usage. */
function isUsageChunk(json: string): boolean {
  return (json.includes('"choices":[]') || json.includes('"choices": []')) && json.includes('"usage"');
}
