import { FallbackModel, inferModel, userPrompt } from 'understudy';
import { startChaosServer } from 'understudy/chaos';

// "Gemini" breaks every stream before its first token; "OpenAI" streams normally.
const gemini = await startChaosServer({ protocol: 'gemini', scenario: { fault: 'error-frame:0' } });
const openai = await startChaosServer({ protocol: 'openai', scenario: { answer: 'filler:12' } });

const model = new FallbackModel(
  inferModel('google-gla:gemini-2.5-flash', { baseUrl: gemini.url }),
  inferModel('openai:gpt-4o-mini', { baseUrl: openai.url }),
  { retry: { maxRetries: 0 }, firstTokenTimeoutMs: 2_000 },
);

// The failure happens before the first token, so the caller only ever sees the second model's stream.
const stream = await model.requestStream([{ kind: 'request', parts: [userPrompt('Tell me something.')] }]);
for await (const event of stream) {
  if (event.kind === 'part-start' && event.part.partKind === 'text') process.stdout.write(event.part.content);
  if (event.kind === 'part-delta' && event.delta.partKind === 'text')
    process.stdout.write(event.delta.contentDelta);
}
const final = stream.get();
console.log(
  `\n\nserved by ${final.modelName}, finish reason ${final.finishReason}, ${final.attempts?.length} attempts`,
);

await Promise.all([gemini.close(), openai.close()]);
