import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { Agent } from '../../src/agent/agent.ts';
import type { AgentStreamEvent } from '../../src/agent/run-loop.ts';
import { tool } from '../../src/agent/tools.ts';
import { UserError } from '../../src/core/errors/index.ts';
import { FunctionModel } from '../../src/testing/function.ts';
import { TestModel } from '../../src/testing/test-model.ts';

const add = tool({
  name: 'add',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

/** Streams a tool call on the first request, then text in three deltas. */
function streamingModel() {
  let requests = 0;
  return new FunctionModel(undefined, {
    modelName: 'streamer',
    stream: async function* () {
      requests++;
      if (requests === 1) {
        yield { kind: 'tool-calls', calls: { 0: { name: 'add', toolCallId: 'c1', argsJson: '{"a":2,' } } };
        yield { kind: 'tool-calls', calls: { 0: { argsJson: '"b":3}' } } };
        return;
      }
      yield { kind: 'thinking', parts: { 0: { content: 'easy' } } };
      yield 'The sum ';
      yield 'is ';
      yield '5.';
    },
  });
}

function describeEvent(event: AgentStreamEvent): string {
  switch (event.kind) {
    case 'text-delta':
    case 'thinking-delta':
      return `${event.kind}:${event.delta}`;
    case 'model-response':
      return `model-response:${event.response.finishReason}`;
    case 'tool-call':
      return `tool-call:${event.part.toolName}`;
    case 'tool-result':
      return `tool-result:${event.part.partKind}:${JSON.stringify(event.part.content)}`;
  }
}

describe('Agent.runStream', () => {
  test('yields deltas, responses and tool events in order, then the result', async () => {
    const run = new Agent(streamingModel(), { tools: [add] }).runStream('2+3?');
    const seen: string[] = [];
    for await (const event of run) seen.push(describeEvent(event));
    expect(seen).toEqual([
      'model-response:tool_call',
      'tool-call:add',
      'tool-result:tool-return:5',
      'thinking-delta:easy',
      'text-delta:The sum ',
      'text-delta:is ',
      'text-delta:5.',
      'model-response:stop',
    ]);
    const result = await run.result();
    expect(result.output).toBe('The sum is 5.');
    expect(result.usage.requests).toBe(2);
    expect(result.messages.map((message) => message.kind)).toEqual([
      'request',
      'response',
      'request',
      'response',
    ]);
    expect(result.messages[1]).toMatchObject({
      parts: [{ partKind: 'tool-call', toolName: 'add', args: '{"a":2,"b":3}', toolCallId: 'c1' }],
    });
  });

  test('result() without iterating runs the stream to its end', async () => {
    const run = new Agent(new TestModel({ customOutputText: 'just the result' })).runStream('x');
    expect((await run.result()).output).toBe('just the result');
  });

  test('structured output through a streamed output tool', async () => {
    const agent = new Agent(new TestModel(), { output: z.object({ ok: z.boolean() }) });
    const result = await agent.runStream('x').result();
    expect(result.output).toEqual({ ok: false });
  });

  test('stopping early cancels the model stream and rejects result()', async () => {
    let cancelled = false;
    const model = new FunctionModel(undefined, {
      stream: async function* () {
        try {
          yield 'one ';
          yield 'two ';
          yield 'three';
        } finally {
          cancelled = true;
        }
      },
    });
    const run = new Agent(model).runStream('x');
    for await (const event of run) {
      expect(event).toEqual({ kind: 'text-delta', delta: 'one ' });
      break;
    }
    expect(cancelled).toBe(true);
    await expect(run.result()).rejects.toThrow('The run stream was stopped before the run finished.');
  });

  test('a failure mid-stream is thrown from the iterator and from result()', async () => {
    const model = new FunctionModel(undefined, {
      stream: async function* () {
        yield 'partial';
        throw new Error('connection reset');
      },
    });
    const run = new Agent(model).runStream('x');
    const deltas: string[] = [];
    await expect(
      (async () => {
        for await (const event of run) if (event.kind === 'text-delta') deltas.push(event.delta);
      })(),
    ).rejects.toThrow('connection reset');
    expect(deltas).toEqual(['partial']);
    await expect(run.result()).rejects.toThrow('connection reset');
  });

  test('can be iterated only once', async () => {
    const run = new Agent(new TestModel()).runStream('x');
    for await (const _ of run) {
      // drain
    }
    expect(() => run[Symbol.asyncIterator]()).toThrow(UserError);
  });
});
