// The same package types must catch a mistake: if this file type-checks, the declarations are `any`.
import { Agent, FallbackModel } from 'understudy';
import { z } from 'zod';

const agent = new Agent(new FallbackModel('openai:gpt-4o'), { output: z.object({ city: z.string() }) });

export async function wrong(): Promise<number> {
  const { output } = await agent.run('Where?');
  return output.city;
}
