import { FallbackModel, inferModel, ModelGroup, responseText, userPrompt } from 'understudy';
import { startChaosServer } from 'understudy/chaos';
import { seededRandom } from 'understudy/fallback';

// Two accounts serving gpt-4o: "east" rate-limits its first key for 30 s, "west" is healthy.
const east = await startChaosServer({
  protocol: 'openai',
  scenario: { keys: { 'sk-east-1': { fault: 'status:429;retry-after=30' } } },
});
const west = await startChaosServer({ protocol: 'openai' });
const anthropic = await startChaosServer({ protocol: 'anthropic' });

const gpt4o = new ModelGroup(
  [
    // A key pool: a 429 on one key moves the call to the next key, and the key rests for its Retry-After.
    {
      model: inferModel('openai:gpt-4o', { baseUrl: east.url, apiKeys: ['sk-east-1', 'sk-east-2'] }),
      name: 'east',
      weight: 3,
    },
    { model: inferModel('openai:gpt-4o', { baseUrl: west.url, apiKey: 'sk-west' }), name: 'west', weight: 1 },
  ],
  { name: 'gpt-4o', strategy: 'weighted', random: seededRandom(1) },
);
// The group is one step of the chain: every deployment of it is tried before Claude.
const model = new FallbackModel(gpt4o, inferModel('anthropic:claude-sonnet-4-5', { baseUrl: anthropic.url }));

for (let i = 0; i < 4; i++) {
  const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello!')] }]);
  const trace = (response.attempts ?? []).map((attempt) =>
    `${attempt.deployment} ${attempt.keyFingerprint ?? ''} ${attempt.outcome}`.replace('  ', ' '),
  );
  console.log(`${responseText(response)} ← ${trace.join(', ')}`);
}

await Promise.all([east.close(), west.close(), anthropic.close()]);
