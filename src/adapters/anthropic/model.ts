/**
 * `AnthropicModel` speaks the Anthropic Messages protocol (`POST {baseUrl}/messages`) for any provider
 * that serves it; the provider supplies the URL and the `x-api-key` / `anthropic-version` headers. The
 * protocol below is all this adapter adds to the shared HttpModel.
 *
 * @example
 * const model = new AnthropicModel('claude-sonnet-4-5', { provider, settings: { maxTokens: 1024 } });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }]);
 * const stream = await model.requestStream(messages, { thinking: 'low' });
 * for await (const event of stream) console.log(event.kind);
 */
import { type HttpModelOptions, httpModelClass, sseOrJson } from '../http-model.ts';
import { buildRequestBody } from './request-body.ts';
import { readResponse } from './response.ts';
import { readStream } from './stream.ts';

/** Options of `new AnthropicModel(name, { provider, settings })`. */
export type AnthropicModelOptions = HttpModelOptions;

/**
 * A `Model` over the Anthropic Messages API.
 *
 * @example
 * const model = new AnthropicModel('claude-haiku-4-5', { provider: createProvider('anthropic') });
 * const answer = await model.request(messages, { thinking: 'low', signal });
 */
export class AnthropicModel extends httpModelClass({
  id: 'anthropic-messages',
  path: () => '/messages',
  accept: sseOrJson,
  buildRequestBody,
  readResponse,
  readStream,
  timeoutMessage: (ms) => `Anthropic call timed out after ${ms} ms`,
}) {}
