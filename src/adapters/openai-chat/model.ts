/**
 * The Chat Completions adapter: OpenAI itself and every host that speaks its protocol (Groq, DeepSeek,
 * OpenRouter, Mistral, xAI, Cerebras, Ollama, ...). The provider supplies URL and auth; the protocol
 * below is all this adapter adds to the shared HttpModel.
 */
import { type HttpModelOptions, httpModelClass, sseOrJson } from '../http-model.ts';
import { chatProfile } from './profile.ts';
import { buildRequestBody } from './request-body.ts';
import { readResponse } from './response.ts';
import { readStream } from './stream.ts';

/**
 * Options of an OpenAIChatModel: the provider (URL, auth, timeouts) and default settings.
 *
 * @example
 * const options: OpenAIChatModelOptions = { provider, settings: { maxTokens: 1000 } };
 */
export type OpenAIChatModelOptions = HttpModelOptions;

/**
 * A model served over the Chat Completions protocol.
 *
 * @example
 * const model = new OpenAIChatModel('gpt-4o', { provider, settings: { temperature: 0 } });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }], { maxTokens: 50 });
 * for await (const event of await model.requestStream(messages)) console.log(event);
 */
export class OpenAIChatModel extends httpModelClass({
  id: 'openai-chat',
  path: () => '/chat/completions',
  accept: sseOrJson,
  buildRequestBody,
  readResponse,
  readStream,
  // A client's OpenAI tool call ids would reach Mistral as they are, and it takes only its own style.
  takesPassThrough: (providerName) => chatProfile(providerName).toolCallIdStyle === 'openai',
}) {}
