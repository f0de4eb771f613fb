import { FallbackModel, inferModel, responseText, userPrompt } from 'understudy';
import { startChaosServer } from 'understudy/chaos';

// Local stand-ins for two providers: "OpenAI" answers 503 to everything, "Anthropic" is healthy.
const openai = await startChaosServer({ protocol: 'openai', scenario: { fault: 'status:503' } });
const anthropic = await startChaosServer({ protocol: 'anthropic' });

const model = new FallbackModel(
  inferModel('openai:gpt-4o', { baseUrl: openai.url }),
  inferModel('anthropic:claude-sonnet-4-5', { baseUrl: anthropic.url }),
  { fallbackOn: ['rate_limit', 'overloaded', 'server'], retry: { maxRetries: 1 }, timeoutMs: 10_000 },
);

const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello!')] }]);
console.log(`${response.modelName} answered: ${responseText(response)}`);
for (const attempt of response.attempts ?? []) {
  console.log(`  ${attempt.modelName}: ${attempt.outcome} ${attempt.errorKind ?? ''}`);
}

await Promise.all([openai.close(), anthropic.close()]);
