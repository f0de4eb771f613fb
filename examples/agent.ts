// An Agent with a tool, kept working by a FallbackModel while its first upstream is rate limited.
import { Agent, FallbackModel, inferModel, tool } from 'understudy';
import { startChaosServer } from 'understudy/chaos';
import { z } from 'zod';

const limited = await startChaosServer({ protocol: 'openai', scenario: { fault: 'status:429' } });
const healthy = await startChaosServer({ protocol: 'openai', scenario: { toolCalls: 'all' } });

try {
  const model = new FallbackModel(
    inferModel('openai:gpt-4o', { baseUrl: limited.url, apiKey: 'demo' }),
    inferModel('openai:gpt-4o-mini', { baseUrl: healthy.url, apiKey: 'demo' }),
    { retry: { maxRetries: 0 } },
  );

  const weather = tool({
    name: 'weather',
    description: 'Current temperature in a city, in °C',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => ({ city, celsius: 21 }),
  });

  const agent = new Agent(model, { instructions: 'Answer briefly.', tools: [weather] });

  const run = agent.runStream('How warm is it in Paris?');
  for await (const event of run) {
    if (event.kind === 'tool-call') {
      const args = typeof event.part.args === 'string' ? event.part.args : JSON.stringify(event.part.args);
      console.log(`→ calling ${event.part.toolName}(${args})`);
    }
    if (event.kind === 'tool-result') console.log(`← ${JSON.stringify(event.part.content)}`);
    if (event.kind === 'text-delta') process.stdout.write(event.delta);
  }
  const { output, usage, attempts } = await run.result();
  console.log(`\n\noutput: ${output}`);
  console.log(`usage: ${usage.requests} requests, ${usage.inputTokens} in / ${usage.outputTokens} out`);
  for (const attempt of attempts) {
    console.log(
      `attempt: ${attempt.modelName} ${attempt.outcome}${attempt.errorKind ? ` (${attempt.errorKind})` : ''}`,
    );
  }

  // Structured output: the answer is validated against the schema (and retried when invalid).
  const structured = new Agent(model, { output: z.object({ city: z.string(), celsius: z.number() }) });
  const answer = await structured.run('Give me the weather in Paris as JSON');
  console.log('structured output:', answer.output);
} finally {
  await limited.close();
  await healthy.close();
}
