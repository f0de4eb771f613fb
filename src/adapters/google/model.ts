/**
 * GoogleModel speaks the Gemini `generateContent` protocol. The provider decides where it goes and how it
 * authenticates: the Gemini API (`google-gla`, `x-goog-api-key`) or Vertex AI (`google-vertex`, a bearer
 * token); the protocol below, the same for both, is all this adapter adds to the shared HttpModel.
 *
 * @example
 * const model = new GoogleModel('gemini-2.5-flash', { provider: createProvider('google-gla') });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }], { maxTokens: 100 });
 */
import { type HttpModelOptions, httpModelClass } from '../http-model.ts';
import { buildRequestBody } from './request-body.ts';
import { readResponse } from './response.ts';
import { readStream } from './stream.ts';

/**
 * What a GoogleModel needs besides its name.
 *
 * @example
 * const options: GoogleModelOptions = { provider, settings: { temperature: 0 } };
 */
export type GoogleModelOptions = HttpModelOptions;

/**
 * A Gemini model behind the Gemini API or Vertex AI.
 *
 * @example
 * const model = new GoogleModel('gemini-2.5-pro', { provider, settings: { thinking: 'low' } });
 * const stream = await model.requestStream(messages);
 * for await (const event of stream) console.log(event.kind);
 */
export class GoogleModel extends httpModelClass({
  // The model is in the path; a stream is another method on it, sent as SSE when asked.
  id: 'gemini',
  path: (modelName, stream) =>
    stream ? `/models/${modelName}:streamGenerateContent?alt=sse` : `/models/${modelName}:generateContent`,
  // Gemini answers by endpoint, whatever the request accepts.
  accept: () => undefined,
  buildRequestBody,
  readResponse,
  readStream,
  timeoutMessage: (ms) => `Gemini call timed out after ${ms} ms`,
}) {}
