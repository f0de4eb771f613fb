/**
 * What a user hands an Agent by hand — tools, their results, limits, retries, the prompt — is checked
 * where it enters: a mistake is a UserError that names it, never a TypeError from inside the run.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { Agent } from '../../src/agent/agent.ts';
import { type AnyTool, tool } from '../../src/agent/tools.ts';
import { UserError } from '../../src/core/errors/index.ts';
import type { ModelMessage, ToolReturnPart } from '../../src/core/messages.ts';
import { FunctionModel } from '../../src/testing/function.ts';
import { TestModel } from '../../src/testing/test-model.ts';

const returnsOf = (messages: ModelMessage[]): ToolReturnPart[] =>
  messages.flatMap((message) =>
    message.kind === 'request'
      ? message.parts.filter((part): part is ToolReturnPart => part.partKind === 'tool-return')
      : [],
  );

describe('tool results', () => {
  test('a tool that returns nothing sends null, and the next request counts it', async () => {
    // Before: the undefined content crashed FunctionModel's word count ('reading trim').
    const noop = tool({ name: 'noop', parameters: z.object({}), execute: () => {} });
    const result = await new Agent(new TestModel(), { tools: [noop] }).run('go');
    expect(returnsOf(result.messages).map((part) => part.content)).toEqual([null]);
    expect(result.output).toBe('{"noop":null}');
    expect(result.usage.requests).toBe(2);
  });

  test.each([
    ['a BigInt', (): unknown => 10n, 'Do not know how to serialize a BigInt'],
    ['a function', (): unknown => () => 1, 'it has no JSON form'],
  ])('a tool returning %s fails the run naming the tool', async (_what, execute, problem) => {
    const bad = tool({ name: 'bad', parameters: z.object({}), execute });
    const run = new Agent(new TestModel(), { tools: [bad] }).run('go');
    await expect(run).rejects.toThrow(UserError);
    await expect(new Agent(new TestModel(), { tools: [bad] }).run('go')).rejects.toThrow(
      new RegExp(`Tool 'bad' returned .*cannot be sent to the model as JSON \\(${problem}\\)`),
    );
  });
});

describe('tools, options and run arguments', () => {
  const model = new FunctionModel(() => ({ parts: [{ partKind: 'text', content: 'ok' }] }));

  test.each([
    [{ name: 'f', execute: (): number => 1 }, "Tool 'f': parameters must be a zod schema"],
    [
      { name: 'f', parameters: { type: 'object' }, execute: (): number => 1 },
      "Tool 'f': parameters must be a zod schema",
    ],
    [{ name: 'f', parameters: z.object({}) }, "Tool 'f': execute must be a function; got undefined"],
    [{ parameters: z.object({}), execute: (): number => 1 }, 'tools[0] needs a name'],
    [
      { name: 'f', parameters: z.object({}), execute: (): number => 1, retries: -1 },
      "Tool 'f': retries must be a whole number",
    ],
    ['f', 'tools[0] must be a tool built with tool({...}); got "f" (a string)'],
  ])('the Agent rejects tool %j when built', (bad, message) => {
    expect(() => new Agent(model, { tools: [bad as unknown as AnyTool] })).toThrow(UserError);
    expect(() => new Agent(model, { tools: [bad as unknown as AnyTool] })).toThrow(message);
  });

  test('retries that are not whole numbers are named', () => {
    expect(() => new Agent(model, { retries: Number.NaN })).toThrow('Agent: retries must be a whole number');
    expect(() => new Agent(model, { outputRetries: -2 })).toThrow(
      'Agent: outputRetries must be a whole number',
    );
  });

  test.each([
    [{ requestLimit: 'five' }, 'usageLimits: requestLimit must be a finite number, 0 or more; got "five"'],
    [{ costLimit: Number.NaN }, 'usageLimits: costLimit must be a finite number'],
    [{ requestsLimit: 3 }, "usageLimits has no 'requestsLimit'; the limits are requestLimit,"],
  ])('a run rejects usageLimits %j instead of silently allowing everything', async (limits, message) => {
    const run = new Agent(model).run('go', { usageLimits: limits as never });
    await expect(run).rejects.toThrow(UserError);
    await expect(new Agent(model).run('go', { usageLimits: limits as never })).rejects.toThrow(message);
  });

  test('a limit left null (as JSON writes an absent one) is no limit, not a limit of 0', async () => {
    const result = await new Agent(model).run('go', { usageLimits: { outputTokensLimit: null } as never });
    expect(result.output).toBe('ok');
  });

  test('a prompt that is neither text nor content items is named', async () => {
    await expect(new Agent(model).run(undefined as never)).rejects.toThrow(
      'The prompt must be a string or a list of content items',
    );
    expect(() => new Agent(model).runStream(42 as never)).toThrow('got 42 (a number)');
  });
});
