export {
  createProvider,
  knownPrefixes,
  PLACEHOLDER_API_KEY,
  type ProviderOptions,
} from './create-provider.ts';
export { FallbackModel } from './fallback-model.ts';
export { type InferModelOptions, inferModel, modelForProvider } from './infer-model.ts';
export type { Protocol, Provider } from './provider.ts';
export { PROVIDERS } from './table.ts';
