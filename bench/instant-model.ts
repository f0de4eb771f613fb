/**
 * The model the overhead benchmarks wrap: it answers at once with a fixed response, priced as openai
 * gpt-4o (so the cost lookup is part of what is measured). Given an upstream, it has a breaker key of
 * its own, as one deployment (or one key of a pool) does.
 */
import type { ModelResponse } from '../src/core/messages.ts';
import type { Model, ModelUpstream, StreamedResponse } from '../src/core/model.ts';

export class InstantModel implements Model {
  readonly modelName = 'gpt-4o';
  readonly system = 'openai';
  readonly provider: ModelUpstream | undefined;

  constructor(upstream?: ModelUpstream) {
    this.provider = upstream;
  }

  async request(): Promise<ModelResponse> {
    return {
      kind: 'response',
      parts: [{ partKind: 'text', content: 'hi' }],
      usage: { inputTokens: 10, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
      modelName: 'gpt-4o',
      providerName: 'openai',
      timestamp: new Date(),
    };
  }

  requestStream(): Promise<StreamedResponse> {
    throw new Error('not used');
  }
}
