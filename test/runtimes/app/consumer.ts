// A TypeScript user's first file: FallbackModel, an Agent with structured output, and the AI SDK bridge.
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { Agent, FallbackModel, inferModel, ModelHTTPError } from 'understudy';
import { toAISDK } from 'understudy/ai-sdk';
import { z } from 'zod';

const model = new FallbackModel('openai:gpt-4o', inferModel('anthropic:claude-sonnet-4-5'), {
  fallbackOn: [
    'rate_limit',
    'server',
    (error) => error instanceof ModelHTTPError && error.statusCode === 529,
  ],
});
const agent = new Agent(model, {
  instructions: 'Answer in one sentence.',
  output: z.object({ city: z.string(), celsius: z.number() }),
});

export async function weather(): Promise<string> {
  const { output } = await agent.run('How warm is it in Paris?');
  const celsius: number = output.celsius;
  return `${output.city}: ${celsius} °C`;
}

export const forTheAISDK: LanguageModelV4 = toAISDK(model);
