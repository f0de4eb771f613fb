/**
 * How a Claude model on Bedrock is asked to think: as on Anthropic's own API, adaptively with an effort
 * from 4.6 on (Opus 4.7 and later answer 400 to a budget), with a token budget before — read from the
 * Bedrock model id or inference profile.
 */
import { describe, expect, it } from 'vitest';
import { buildRequestBody } from '../../../src/adapters/bedrock/request-body.ts';
import { defaultRequestParameters } from '../../../src/core/model.ts';
import type { ModelSettings } from '../../../src/core/settings.ts';

const body = (modelName: string, settings: ModelSettings) =>
  buildRequestBody({
    modelName,
    providerName: 'bedrock',
    messages: [{ kind: 'request', parts: [{ partKind: 'user-prompt', content: 'Hi' }] }],
    settings,
    params: defaultRequestParameters(),
    stream: false,
  });

describe('thinking for Claude on Bedrock', () => {
  it('asks Claude 4.6 and later to think adaptively, with the effort named', () => {
    expect(body('us.anthropic.claude-opus-4-7', { thinking: 'xhigh' }).additionalModelRequestFields).toEqual({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'xhigh' },
    });
    expect(body('anthropic.claude-sonnet-4-6', { thinking: 'low' }).additionalModelRequestFields).toEqual({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'low' },
    });
    // `true` leaves the effort to the model.
    expect(body('anthropic.claude-opus-4-6-v1', { thinking: true }).additionalModelRequestFields).toEqual({
      thinking: { type: 'adaptive' },
    });
  });

  it('gives older Claude models a token budget, with room for the answer', () => {
    const request = body('anthropic.claude-sonnet-4-5-20250929-v1:0', { thinking: 'low', maxTokens: 1000 });
    expect(request.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    expect(request.inferenceConfig.maxTokens).toBe(3048);
  });

  it('asks nothing when thinking is off, and OpenAI models on Bedrock for a reasoning effort', () => {
    expect(body('anthropic.claude-opus-4-7', {}).additionalModelRequestFields).toBeUndefined();
    expect(body('openai.gpt-oss-120b-1:0', { thinking: 'high' }).additionalModelRequestFields).toEqual({
      reasoning_effort: 'high',
    });
  });
});
