/**
 * Gemini puts the model and the method in the URL: `/v1beta/models/{model}:{method}`, or `/v1/…` — the
 * version `@google/genai` 1.x and later call by default, while Gemini CLI calls `v1beta`. This reads such a
 * path only after the other protocols' exact paths missed, so they pay nothing for it. Under `/v1` only
 * a path with a method is Gemini's: `GET /v1/models` is shared with OpenAI and Anthropic clients, and
 * answers Gemini's when the client's headers are Google's (client-api.ts).
 *
 * @example
 * geminiPath('/v1beta/models/gemini-2.5-flash:streamGenerateContent')
 * // { model: 'gemini-2.5-flash', method: 'streamGenerateContent' }
 * geminiPath('/v1beta/models/gemini-2.5-flash') // { model: 'gemini-2.5-flash', method: undefined }
 * geminiPath('/v1beta/models')                  // { model: undefined, method: undefined }
 */
import { GatewayError } from '../errors/gateway-error.ts';

const BETA = '/v1beta/models';
const STABLE = '/v1/models/';
const METHODS: ReadonlySet<string> = new Set([
  'generateContent',
  'streamGenerateContent',
  'countTokens',
  'embedContent',
  'batchEmbedContents',
]);

export interface GeminiPath {
  /** The model or route named in the path (percent-decoded); undefined for the models list. */
  model: string | undefined;
  /** What follows the `:`, e.g. `generateContent`; undefined for a plain model path. */
  method: string | undefined;
}

/**
 * True for a path only Gemini's protocol has: anything under `/v1beta/`, a `/v1/models/{model}:{method}`
 * (not `/v1/models/b:claude-sonnet-4-5`, an OpenAI client's model lookup).
 */
export function isGeminiPath(path: string): boolean {
  return (
    path.startsWith('/v1beta/') ||
    (path.startsWith(STABLE) && METHODS.has(path.slice(path.lastIndexOf(':') + 1)))
  );
}

/** The parts of a `/v1beta/models…` or `/v1/models/…` path; undefined for any other path. */
export function geminiPath(path: string): GeminiPath | undefined {
  let rest: string;
  if (path.startsWith(BETA)) {
    if (path.length === BETA.length) return { model: undefined, method: undefined };
    if (path[BETA.length] !== '/') return undefined;
    rest = path.slice(BETA.length + 1);
  } else if (path.startsWith(STABLE)) rest = path.slice(STABLE.length);
  else return undefined;
  // A model id has no ':' of its own in Gemini's API, but a gateway id may (`g:gemini-2.5-flash`), so
  // only the last ':' starts the method, and only when what follows it is one of Gemini's methods.
  const colon = rest.lastIndexOf(':');
  const method = colon === -1 ? undefined : rest.slice(colon + 1);
  const named = method !== undefined && METHODS.has(method);
  const model = decode(named ? rest.slice(0, colon) : rest, path);
  if (model === '') return undefined;
  return { model, method: named ? method : undefined };
}

function decode(text: string, path: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new GatewayError(
      400,
      'invalid_request',
      `The model id in '${path}' is not valid percent-encoding.`,
    );
  }
}

/** The `key` query parameter, where Google's REST examples put the API key. */
export function keyInQuery(query: string): string | undefined {
  for (const pair of query.split('&')) {
    if (pair.startsWith('key=')) {
      try {
        return decodeURIComponent(pair.slice(4)) || undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
