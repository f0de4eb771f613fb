/**
 * `POST /v1/embeddings`, OpenAI's embeddings endpoint with the gateway's fallback: the body is read,
 * `model` resolves as a chat request's does (routes, patterns, `models: [...]`), the key's routes and
 * limits are checked (the input is charged as estimated tokens), and the chain's embedding models are
 * tried in order. The answer is OpenAI's list — vectors as numbers, or as base64 float32s when asked
 * (the official SDK asks for that by default) — with `model` the one that served, `usage.cost` when
 * priced, and the attempt headers of a chat answer.
 *
 * @example
 * // POST /v1/embeddings {"model":"embed","input":"hello"}
 * // 200 {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.01, ...]}],"model":"o:text-embedding-3-small",...}
 */
import type { EmbeddingResult, EmbeddingSettings } from '../../core/embedding.ts';
import { enforceAllowedRoutes } from '../auth/client-keys.ts';
import { enforceRequestLimits } from '../auth/rate-limits.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { RequestFinished } from '../events.ts';
import { attemptHeaders } from '../routing/attempt-headers.ts';
import { newRequestRecord } from '../routing/run-chat.ts';
import { readJsonBody } from '../server/read-body.ts';
import type { RequestScope } from '../server/request-scope.ts';
import { embeddingChain } from './embedding-chain.ts';
import { type EmbeddingsCall, parseEmbeddingsRequest } from './request.ts';

export const EMBEDDINGS_PATHS: ReadonlySet<string> = new Set(['/v1/embeddings', '/embeddings']);

/**
 * The `request-finished` record of an embeddings request (this endpoint's, or Gemini's embed methods), so
 * metrics and the status page count it as they count chat; undefined for any other request.
 */
export function embeddingsRecord(
  method: string,
  path: string,
  userAgent: string | undefined,
): RequestFinished | undefined {
  if (method !== 'POST') return undefined;
  if (EMBEDDINGS_PATHS.has(path)) return newRequestRecord('openai', userAgent);
  if (path.endsWith(':batchEmbedContents') || path.endsWith(':embedContent'))
    return newRequestRecord('gemini', userAgent);
  return undefined;
}

export async function handleEmbeddings(scope: RequestScope): Promise<void> {
  const call = parseEmbeddingsRequest(await readJsonBody(scope.req, scope.context.bodyLimits));
  const { result, headers } = await embedForClient(scope, call);
  sendEmbeddings(scope, headers, renderEmbeddings(result, headers['x-understudy-model']!, call.base64));
}

/**
 * What every embeddings endpoint does once it has read its body (this one, and Gemini's
 * `:batchEmbedContents`): resolve the chain, check the key, embed with fallback; the answer's headers
 * name the route and every attempt, as a chat answer's do.
 */
export async function embedForClient(
  scope: RequestScope,
  call: EmbeddingsCall,
): Promise<{ result: EmbeddingResult; headers: Record<string, string> }> {
  const { context, client, res, record } = scope;
  if (record) {
    record.clientKeyId = client?.keyId;
    record.clientName = client?.name;
  }
  const chain = context.registry.route(call.modelIds, {
    thinking: false,
    inputTokens: () => call.estimatedTokens,
  });
  if (record) record.route = chain.label;
  enforceAllowedRoutes(client, chain.targets);
  await enforceRequestLimits(context.rateLimitStore, client, call.estimatedTokens);
  const model = embeddingChain(chain);
  const clientGone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });
  const settings: EmbeddingSettings = { signal: clientGone.signal };
  if (call.dimensions !== undefined) settings.dimensions = call.dimensions;
  if (call.taskType !== undefined) settings.taskType = call.taskType;
  let result: EmbeddingResult;
  try {
    result = await model.embed(call.inputs, settings);
  } catch (error) {
    throw toGatewayError(error, chain.modelIds);
  }
  const servedId = `${result.providerName}:${result.modelName}`;
  if (record) {
    record.servedModel = servedId;
    record.attempts = result.attempts ?? [];
    record.usage = result.usage;
    record.cost = result.usage.cost;
  }
  return { result, headers: attemptHeaders(scope.baseHeaders, chain, servedId, result.attempts ?? []) };
}

export function sendEmbeddings(scope: RequestScope, headers: Record<string, string>, text: string): void {
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  scope.res.writeHead(200, headers);
  scope.res.end(text);
}

/** OpenAI's list, written by hand around the vectors so each is encoded once, in its chosen form. */
function renderEmbeddings(result: EmbeddingResult, modelId: string, base64: boolean): string {
  let data = '';
  result.embeddings.forEach((vector, index) => {
    const encoded = base64
      ? `"${Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')}"`
      : floatList(vector);
    data += `${index === 0 ? '' : ','}{"object":"embedding","index":${index},"embedding":${encoded}}`;
  });
  const usage: Record<string, number> = {
    prompt_tokens: result.usage.inputTokens,
    total_tokens: result.usage.inputTokens,
  };
  if (result.usage.cost !== undefined) usage.cost = result.usage.cost;
  return `{"object":"list","data":[${data}],"model":${JSON.stringify(modelId)},"usage":${JSON.stringify(usage)}}`;
}

/** Float32s as JSON numbers with the 9 significant digits that give each back exactly, as OpenAI writes them. */
function floatList(vector: Float32Array): string {
  let text = '[';
  for (let i = 0; i < vector.length; i++) text += `${i === 0 ? '' : ','}${Number(vector[i]!.toPrecision(9))}`;
  return `${text}]`;
}
