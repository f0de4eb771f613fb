/**
 * `understudy/ai-sdk`: the Vercel AI SDK in and out — `toAISDK(model)` gives any Understudy model (a
 * FallbackModel included) to `generateText`/`streamText`; `fromAISDK(model)` makes an AI SDK model an
 * Understudy one. Types only from `@ai-sdk/provider`, an optional peer dependency.
 */
export { AISDKModel, type FromAISDKOptions, fromAISDK } from './from-ai-sdk.ts';
export { type ToAISDKOptions, toAISDK } from './to-ai-sdk.ts';
