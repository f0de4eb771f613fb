export type { Protocol, Provider } from '../transport/provider.ts';
export { createProvider, knownPrefixes, PLACEHOLDER_API_KEY } from './create-provider.ts';
export { FallbackModel } from './fallback-model.ts';
export { type InferModelOptions, inferModel, modelForProvider } from './infer-model.ts';
export type { ProviderOptions } from './provider-options.ts';
export { PROVIDERS } from './table.ts';
