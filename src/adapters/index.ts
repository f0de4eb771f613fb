/**
 * `understudy/adapters`: one model class per wire protocol, each built with a provider (URL, auth) from
 * `createProvider`, or all at once by `inferModel('provider:model')`.
 */
export { AnthropicModel, type AnthropicModelOptions } from './anthropic/model.ts';
export { BedrockConverseModel, type BedrockConverseModelOptions } from './bedrock/model.ts';
export type { AwsCredentialSource, AwsCredentials } from './bedrock/signing.ts';
export { GoogleModel, type GoogleModelOptions } from './google/model.ts';
export {
  GoogleEmbeddingModel,
  type GoogleEmbeddingModelOptions,
} from './google-embeddings/model.ts';
export { OpenAIChatModel, type OpenAIChatModelOptions } from './openai-chat/model.ts';
export {
  OpenAIEmbeddingModel,
  type OpenAIEmbeddingModelOptions,
} from './openai-embeddings/model.ts';
export { OpenAIResponsesModel, type OpenAIResponsesModelOptions } from './openai-responses/model.ts';
