/**
 * The OpenAI Responses API adapter (`POST {baseUrl}/responses`): OpenAI's newer protocol, the one that
 * carries reasoning (encrypted, with summaries) across a stateless history. The provider supplies URL and
 * auth; the protocol below is all this adapter adds to the shared HttpModel.
 */
import { type HttpModelOptions, httpModelClass, sseOrJson } from '../http-model.ts';
import { buildRequestBody } from './request-body.ts';
import { readResponse } from './response.ts';
import { readStream } from './stream.ts';

/**
 * Options of an OpenAIResponsesModel: the provider (URL, auth, timeouts) and default settings.
 *
 * @example
 * const options: OpenAIResponsesModelOptions = { provider, settings: { thinking: 'low' } };
 */
export type OpenAIResponsesModelOptions = HttpModelOptions;

/**
 * A model served over the OpenAI Responses API.
 *
 * @example
 * const model = new OpenAIResponsesModel('gpt-5', { provider: createProvider('openai-responses') });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }], { thinking: 'low' });
 * for await (const event of await model.requestStream(messages)) console.log(event);
 */
export class OpenAIResponsesModel extends httpModelClass({
  id: 'openai-responses',
  path: () => '/responses',
  accept: sseOrJson,
  buildRequestBody,
  readResponse,
  readStream,
}) {}
