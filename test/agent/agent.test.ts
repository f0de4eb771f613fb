import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { Agent } from '../../src/agent/agent.ts';
import { ModelRetry, UsageLimitExceeded } from '../../src/agent/errors.ts';
import { tool } from '../../src/agent/tools.ts';
import { UnexpectedModelBehavior } from '../../src/core/errors/index.ts';
import type { Attempt, ModelMessage, ModelRequestPart, ModelResponsePart } from '../../src/core/messages.ts';
import type { ModelRequestParameters } from '../../src/core/model.ts';
import { type FunctionInfo, FunctionModel } from '../../src/testing/function.ts';
import { TestModel } from '../../src/testing/test-model.ts';

const usage = (input: number, output: number, cost?: number) => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  details: {},
  ...(cost === undefined ? {} : { cost }),
});
const text = (content: string): ModelResponsePart => ({ partKind: 'text', content });
const call = (toolName: string, args: string, toolCallId = `id_${toolName}`): ModelResponsePart => ({
  partKind: 'tool-call',
  toolName,
  args,
  toolCallId,
});

/** A FunctionModel answering from a script, one entry per request, recording what it was sent. */
function scripted(...answers: ModelResponsePart[][]) {
  const seen: Array<{ messages: ModelMessage[]; params: ModelRequestParameters }> = [];
  const model = new FunctionModel(
    (messages: ModelMessage[], info: FunctionInfo) => {
      seen.push({ messages: structuredClone(messages), params: info.params });
      const parts = answers[seen.length - 1];
      if (!parts) throw new Error(`unexpected request #${seen.length}`);
      return { parts, usage: usage(10, 5) };
    },
    { modelName: 'scripted' },
  );
  return { model, seen };
}

/** The parts of the last message, which must be a request. */
function lastRequestParts(messages: ModelMessage[]): ModelRequestPart[] {
  const last = messages.at(-1);
  if (last?.kind !== 'request') throw new Error('the last message is not a request');
  return last.parts;
}

const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

describe('Agent.run', () => {
  test('text output: instructions open the conversation, usage adds up, messages are the conversation', async () => {
    const { model, seen } = scripted([text('Hello Ada.')]);
    const agent = new Agent(model, { instructions: 'Be brief.' });
    const result = await agent.run('Hi, I am Ada');
    expect(result.output).toBe('Hello Ada.');
    expect(result.usage).toEqual({ ...usage(10, 5), requests: 1, toolCalls: 0 });
    expect(result.messages).toHaveLength(2);
    expect(result.messages[0]).toEqual({
      kind: 'request',
      parts: [
        { partKind: 'system-prompt', content: 'Be brief.' },
        { partKind: 'user-prompt', content: 'Hi, I am Ada' },
      ],
    });
    expect(result.messages[1]).toMatchObject({ kind: 'response', parts: [text('Hello Ada.')] });
    expect(result.newMessages).toEqual(result.messages);
    expect(seen[0]!.params).toEqual({ functionTools: [], outputTools: [], allowTextOutput: true });
  });

  test('continues a conversation from messageHistory without repeating the instructions', async () => {
    const { model, seen } = scripted([text('one')], [text('two')]);
    const agent = new Agent(model, { instructions: 'Be brief.' });
    const first = await agent.run('first');
    const second = await agent.run('second', { messageHistory: first.messages });
    expect(second.output).toBe('two');
    expect(second.messages).toHaveLength(4);
    expect(second.newMessages).toHaveLength(2);
    expect(seen[1]!.messages[2]).toEqual({
      kind: 'request',
      parts: [{ partKind: 'user-prompt', content: 'second' }],
    });
    expect(second.usage.requests).toBe(1);
  });

  test('runs the tools the model asks for in parallel and sends their returns', async () => {
    let started = 0;
    let releaseBoth!: () => void;
    const bothStarted = new Promise<void>((resolve) => {
      releaseBoth = resolve;
    });
    // Each call waits until both have started: run one after the other, this test would hang.
    const slowAdd = tool({
      name: 'add',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: async ({ a, b }) => {
        if (++started === 2) releaseBoth();
        await bothStarted;
        return a + b;
      },
    });
    const { model, seen } = scripted(
      [text('Let me add.'), call('add', '{"a":1,"b":2}', 'c1'), call('add', '{"a":3,"b":4}', 'c2')],
      [text('3 and 7')],
    );
    const result = await new Agent(model, { tools: [slowAdd] }).run('add things');
    expect(result.output).toBe('3 and 7');
    expect(seen[0]!.params.functionTools).toEqual([
      {
        name: 'add',
        parametersJsonSchema: {
          type: 'object',
          properties: { a: { type: 'number' }, b: { type: 'number' } },
          required: ['a', 'b'],
        },
      },
    ]);
    expect(seen[1]!.messages[2]).toEqual({
      kind: 'request',
      parts: [
        { partKind: 'tool-return', toolName: 'add', toolCallId: 'c1', content: 3 },
        { partKind: 'tool-return', toolName: 'add', toolCallId: 'c2', content: 7 },
      ],
    });
    expect(result.usage).toMatchObject({ requests: 2, toolCalls: 2, inputTokens: 20, outputTokens: 10 });
  });

  test('a tool throwing ModelRetry sends a retry prompt, then the model tries again', async () => {
    const retries: number[] = [];
    const lookup = tool({
      name: 'lookup',
      parameters: z.object({ id: z.string() }),
      execute: ({ id }, context) => {
        retries.push(context.retry);
        if (id !== 'b') throw new ModelRetry(`No record ${id}; try b.`);
        return { id, found: true };
      },
    });
    const { model, seen } = scripted(
      [call('lookup', '{"id":"a"}', 'k1')],
      [call('lookup', '{"id":"b"}', 'k2')],
      [text('found b')],
    );
    const result = await new Agent(model, { tools: [lookup] }).run('find');
    expect(result.output).toBe('found b');
    expect(retries).toEqual([0, 1]);
    expect(seen[1]!.messages.at(-1)).toEqual({
      kind: 'request',
      parts: [
        { partKind: 'retry-prompt', content: 'No record a; try b.', toolName: 'lookup', toolCallId: 'k1' },
      ],
    });
    expect(seen[2]!.messages.at(-1)).toEqual({
      kind: 'request',
      parts: [
        { partKind: 'tool-return', toolName: 'lookup', toolCallId: 'k2', content: { id: 'b', found: true } },
      ],
    });
  });

  test('invalid tool arguments send the validation error as a retry prompt', async () => {
    const { model, seen } = scripted(
      [call('add', '{"a":"one","b":2}')],
      [call('add', '{"a":1,')],
      [text('ok')],
    );
    await new Agent(model, { tools: [add], retries: 2 }).run('add');
    const first = lastRequestParts(seen[1]!.messages)[0]!;
    expect(first).toMatchObject({ partKind: 'retry-prompt', toolName: 'add', toolCallId: 'id_add' });
    expect(first.content).toBe(
      'Validation failed:\n✖ Invalid input: expected number, received string\n  → at a\nFix the errors and try again.',
    );
    const second = lastRequestParts(seen[2]!.messages)[0]!;
    expect(second.content).toMatch(/^Invalid JSON in the arguments: /);
  });

  test('past the retries, the run fails with UnexpectedModelBehavior', async () => {
    const failing = tool({
      name: 'flaky',
      parameters: z.object({}),
      execute: () => {
        throw new ModelRetry('not yet');
      },
    });
    const { model, seen } = scripted([call('flaky', '{}')], [call('flaky', '{}')], [call('flaky', '{}')]);
    const run = new Agent(model, { tools: [failing], retries: 1 }).run('go');
    await expect(run).rejects.toThrow(UnexpectedModelBehavior);
    await expect(run).rejects.toThrow("Tool 'flaky' exceeded max retries count of 1");
    expect(seen).toHaveLength(2);
  });

  test('a tool that fails with any other error fails the run', async () => {
    const broken = tool({
      name: 'broken',
      parameters: z.object({}),
      execute: () => {
        throw new RangeError('disk on fire');
      },
    });
    const { model } = scripted([call('broken', '{}')]);
    await expect(new Agent(model, { tools: [broken] }).run('go')).rejects.toThrow(RangeError);
  });

  test('an unknown tool name is answered with a retry prompt listing the tools', async () => {
    const { model, seen } = scripted([call('subtract', '{}')], [text('fine')]);
    await new Agent(model, { tools: [add] }).run('go');
    expect(seen[1]!.messages.at(-1)).toEqual({
      kind: 'request',
      parts: [
        {
          partKind: 'retry-prompt',
          content: "Unknown tool name: 'subtract'. Available tools: 'add'",
          toolName: 'subtract',
          toolCallId: 'id_subtract',
        },
      ],
    });
  });

  test('collects the attempts of every response', async () => {
    const attempt = (modelName: string, outcome: Attempt['outcome']): Attempt => ({
      modelName,
      providerName: 'p',
      outcome,
      startedAt: 1,
      durationMs: 2,
    });
    let n = 0;
    const model = new FunctionModel(() => {
      n++;
      return n === 1
        ? { parts: [call('add', '{"a":1,"b":1}')], attempts: [attempt('a', 'error'), attempt('b', 'ok')] }
        : { parts: [text('2')], attempts: [attempt('a', 'ok')] };
    });
    const result = await new Agent(model, { tools: [add] }).run('1+1');
    expect(result.attempts.map((a) => `${a.modelName}:${a.outcome}`)).toEqual(['a:error', 'b:ok', 'a:ok']);
  });

  test('passes merged settings and the signal to the model', async () => {
    let settingsSeen: unknown;
    const model = new FunctionModel((_messages, info) => {
      settingsSeen = info.settings;
      return { parts: [text('x')] };
    });
    const controller = new AbortController();
    await new Agent(model, { modelSettings: { temperature: 0, maxTokens: 10 } }).run('x', {
      modelSettings: { maxTokens: 20 },
      signal: controller.signal,
    });
    expect(settingsSeen).toEqual({ temperature: 0, maxTokens: 20, signal: controller.signal });
  });

  test('an aborted signal stops the run', async () => {
    const { model } = scripted([text('never')]);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(new Agent(model).run('x', { signal: controller.signal })).rejects.toThrow('stop');
  });

  test('rejects two tools with one name', () => {
    expect(() => new Agent(new TestModel(), { tools: [add, add] })).toThrow("Two tools are named 'add'");
  });
});

describe('structured output', () => {
  const city = z.object({ city: z.string(), population: z.number().int() });

  test('offers final_result, validates its arguments and returns the parsed object', async () => {
    const { model, seen } = scripted([call('final_result', '{"city":"Paris","population":2100000}', 'f1')]);
    const result = await new Agent(model, { output: city }).run('biggest French city');
    expect(result.output).toEqual({ city: 'Paris', population: 2100000 });
    expect(seen[0]!.params).toEqual({
      functionTools: [],
      outputTools: [
        {
          name: 'final_result',
          description: 'The final response which ends this conversation',
          parametersJsonSchema: {
            type: 'object',
            properties: {
              city: { type: 'string' },
              population: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
            },
            required: ['city', 'population'],
          },
        },
      ],
      allowTextOutput: false,
    });
    expect(result.messages.at(-1)).toEqual({
      kind: 'request',
      parts: [
        {
          partKind: 'tool-return',
          toolName: 'final_result',
          toolCallId: 'f1',
          content: 'Final result processed.',
        },
      ],
    });
  });

  test('invalid output and plain text are retried', async () => {
    const { model, seen } = scripted(
      [call('final_result', '{"city":"Paris","population":2.5}', 'f1')],
      [text('Paris, about two million')],
      [call('final_result', '{"city":"Paris","population":2}', 'f2')],
    );
    const result = await new Agent(model, { output: city, retries: 2 }).run('x');
    expect(result.output).toEqual({ city: 'Paris', population: 2 });
    const firstRetry = lastRequestParts(seen[1]!.messages)[0]!;
    expect(firstRetry).toMatchObject({
      partKind: 'retry-prompt',
      toolName: 'final_result',
      toolCallId: 'f1',
    });
    expect(firstRetry.content).toContain('→ at population');
    expect(seen[2]!.messages.at(-1)).toEqual({
      kind: 'request',
      parts: [
        {
          partKind: 'retry-prompt',
          content: 'Plain text responses are not permitted, please include your response in a tool call.',
        },
      ],
    });
  });

  test('too many invalid outputs fail the run', async () => {
    const { model } = scripted([text('no')], [text('still no')]);
    await expect(new Agent(model, { output: city }).run('x')).rejects.toThrow(
      'Exceeded maximum retries (1) for output validation',
    );
  });

  test('a non-object schema is wrapped as { response }', async () => {
    const { model, seen } = scripted([call('final_result', '{"response":["a","b"]}')]);
    const result = await new Agent(model, { output: z.array(z.string()) }).run('x');
    expect(result.output).toEqual(['a', 'b']);
    expect(seen[0]!.params.outputTools[0]!.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { response: { type: 'array', items: { type: 'string' } } },
      required: ['response'],
    });
  });

  test('function tool calls beside a valid output are answered, not run', async () => {
    let ran = false;
    const spy = tool({ name: 'spy', parameters: z.object({}), execute: () => (ran = true) });
    const { model } = scripted([
      call('spy', '{}', 's1'),
      call('final_result', '{"city":"Rome","population":1}', 'f1'),
    ]);
    const result = await new Agent(model, { output: city, tools: [spy] }).run('x');
    expect(ran).toBe(false);
    expect(result.messages.at(-1)).toEqual({
      kind: 'request',
      parts: [
        {
          partKind: 'tool-return',
          toolName: 'spy',
          toolCallId: 's1',
          content: 'Tool not executed - a final result was already processed.',
        },
        {
          partKind: 'tool-return',
          toolName: 'final_result',
          toolCallId: 'f1',
          content: 'Final result processed.',
        },
      ],
    });
  });

  test('TestModel calls every tool, then gives output from the schema', async () => {
    const agent = new Agent(new TestModel(), { tools: [add], output: city });
    const result = await agent.run('x');
    expect(result.output).toEqual({ city: 'a', population: -9007199254740991 });
    expect(result.usage.toolCalls).toBe(1);
    expect(result.messages[2]).toMatchObject({
      parts: [{ partKind: 'tool-return', toolName: 'add', content: 0 }],
    });
  });
});

describe('usage limits', () => {
  test('requestLimit stops before the request that would pass it', async () => {
    const { model, seen } = scripted(
      [call('add', '{"a":1,"b":1}')],
      [call('add', '{"a":1,"b":1}')],
      [text('x')],
    );
    const run = new Agent(model, { tools: [add] }).run('x', { usageLimits: { requestLimit: 2 } });
    await expect(run).rejects.toThrow(UsageLimitExceeded);
    await expect(run).rejects.toMatchObject({ limit: 'requestLimit', value: 3, kind: 'bad_request' });
    expect(seen).toHaveLength(2);
  });

  test('token limits are checked after each response', async () => {
    const { model } = scripted([call('add', '{"a":1,"b":1}')], [text('x')]);
    const run = new Agent(model, { tools: [add] }).run('x', { usageLimits: { totalTokensLimit: 20 } });
    await expect(run).rejects.toMatchObject({
      limit: 'totalTokensLimit',
      value: 30,
      message: 'Exceeded the totalTokensLimit of 20 (total tokens: 30)',
    });
  });

  test('costLimit sums the responses’ cost', async () => {
    const model = new FunctionModel(() => ({
      parts: [call('add', '{"a":1,"b":1}')],
      usage: usage(1, 1, 0.02),
    }));
    const run = new Agent(model, { tools: [add] }).run('x', { usageLimits: { costLimit: 0.05 } });
    await expect(run).rejects.toMatchObject({ limit: 'costLimit', value: 0.06 });
  });

  test('toolCallsLimit stops before running the calls', async () => {
    let runs = 0;
    const counted = tool({ name: 'counted', parameters: z.object({}), execute: () => ++runs });
    const { model } = scripted([call('counted', '{}', 'a'), call('counted', '{}', 'b')]);
    const run = new Agent(model, { tools: [counted] }).run('x', { usageLimits: { toolCallsLimit: 1 } });
    await expect(run).rejects.toMatchObject({ limit: 'toolCallsLimit', value: 2 });
    expect(runs).toBe(0);
  });
});

describe('override', () => {
  test('replaces the model until restored, and nests', async () => {
    const agent = new Agent(new FunctionModel(() => ({ parts: [text('real')] })));
    const outer = agent.override({ model: new TestModel({ customOutputText: 'outer' }) });
    {
      using _inner = agent.override({ model: new TestModel({ customOutputText: 'inner' }) });
      expect((await agent.run('x')).output).toBe('inner');
    }
    expect((await agent.run('x')).output).toBe('outer');
    outer.restore();
    expect((await agent.run('x')).output).toBe('real');
  });

  test('a string model is resolved only when used, so an Agent can be built without keys', async () => {
    const agent = new Agent('openai:gpt-4o');
    using _ = agent.override({ model: 'test' });
    expect((await agent.run('x')).output).toBe('success (no tool calls)');
  });
});
