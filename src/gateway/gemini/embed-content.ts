/**
 * Gemini's `:embedContent` (`{content}` → `{embedding: {values}}`) and `:batchEmbedContents`
 * (`{requests: [{model, content}]}` → `{embeddings: [{values}]}`, what `@google/genai`'s
 * `models.embedContent` calls) on the gateway's embedding chains: the model in the path resolves as
 * everywhere (route, `'provider:model'`, pattern), and the chain falls back across providers — Gemini's
 * or OpenAI-compatible ones. `outputDimensionality` and `taskType` are carried (a task reaches Gemini
 * upstreams only: OpenAI's have none); `title` is accepted and not carried; parts other than text are
 * refused, as Gemini embeds text only.
 *
 * @example
 * // POST /v1beta/models/embed:batchEmbedContents {"requests":[{"model":"models/embed","content":{"parts":[{"text":"hi"}]}}]}
 * // 200 {"embeddings":[{"values":[0.1, ...]}]}
 */
import { z } from 'zod';
import { estimateEmbeddingTokens } from '../embeddings/request.ts';
import { embedForClient, sendEmbeddings } from '../embeddings/route.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { invalidRequest } from '../errors/zod-issue.ts';
import { readJsonBody } from '../server/read-body.ts';
import type { RequestScope } from '../server/request-scope.ts';

const embedRequest = z.looseObject({
  content: z.looseObject({ parts: z.array(z.looseObject({ text: z.string().optional() })).min(1) }),
  taskType: z.string().nullish(),
  title: z.string().nullish(),
  outputDimensionality: z.number().int().positive().nullish(),
});
const batchRequest = z.looseObject({ requests: z.array(embedRequest).min(1).max(2048) });

type EmbedRequest = z.output<typeof embedRequest>;

export async function handleGeminiEmbed(scope: RequestScope, model: string, batch: boolean): Promise<void> {
  const body = await readJsonBody(scope.req, scope.context.bodyLimits);
  const parsed = (batch ? batchRequest : embedRequest).safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const requests = batch
    ? (parsed.data as z.output<typeof batchRequest>).requests
    : [parsed.data as EmbedRequest];
  const inputs = requests.map((request, i) => textOf(request, batch ? `requests[${i}].content` : 'content'));
  const first = requests[0]!;
  const { result, headers } = await embedForClient(scope, {
    modelIds: [model],
    inputs,
    base64: false,
    dimensions: first.outputDimensionality ?? undefined,
    estimatedTokens: estimateEmbeddingTokens(inputs),
    ...(first.taskType ? { taskType: first.taskType } : {}),
  });
  const vectors = result.embeddings.map((vector) => `{"values":${JSON.stringify(Array.from(vector))}}`);
  sendEmbeddings(
    scope,
    headers,
    batch ? `{"embeddings":[${vectors.join(',')}]}` : `{"embedding":${vectors[0]}}`,
  );
}

function textOf(request: EmbedRequest, where: string): string {
  let text = '';
  request.content.parts.forEach((part, i) => {
    if (typeof part.text !== 'string')
      throw new GatewayError(400, 'invalid_request', `${where}.parts[${i}]: Gemini embeds text parts only.`, {
        param: `${where}.parts[${i}]`,
      });
    text += part.text;
  });
  return text;
}
