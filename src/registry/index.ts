/**
 * `understudy/registry`: the provider table behind `'provider:model'` strings — `inferModel`, and
 * `createProvider` for building an adapter yourself (keys and base URLs from the environment, as each
 * provider's official SDK reads them), and `keyFingerprint`, the name a pooled key goes by in traces.
 */
export { keyFingerprint } from '../transport/key-fingerprint.ts';
export type { Protocol, Provider } from '../transport/provider.ts';
export { createProvider, knownPrefixes } from './create-provider.ts';
export { FallbackModel } from './fallback-model.ts';
export { type InferModelOptions, inferModel } from './infer-model.ts';
export type { ProviderOptions } from './provider-options.ts';
