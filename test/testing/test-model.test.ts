import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/core/errors/index.ts';
import type { ModelMessage } from '../../src/core/messages.ts';
import { userPrompt } from '../../src/core/messages.ts';
import type { ModelRequestParameters } from '../../src/core/model.ts';
import { argsFromSchema, TestModel } from '../../src/testing/test-model.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Hi')] }];
const weather = {
  name: 'weather',
  parametersJsonSchema: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 2 } },
  },
};

describe('TestModel', () => {
  test('answers text when no tools are offered', async () => {
    const model = new TestModel();
    expect(model.modelName).toBe('test');
    const response = await model.request(hello);
    expect(response.parts).toEqual([{ partKind: 'text', content: 'success (no tool calls)' }]);
    expect(response.finishReason).toBe('stop');
    const custom = await new TestModel({ customOutputText: 'fine' }).request(hello);
    expect(custom.parts).toEqual([{ partKind: 'text', content: 'fine' }]);
  });

  test('calls each function tool once, then summarizes the tool results', async () => {
    const params: ModelRequestParameters = {
      functionTools: [weather],
      outputTools: [],
      allowTextOutput: true,
    };
    const model = new TestModel();
    const first = await model.request(hello, {}, params);
    expect(first.parts).toEqual([
      {
        partKind: 'tool-call',
        toolName: 'weather',
        args: { city: 'a', days: 2 },
        toolCallId: 'test_call_1_0',
      },
    ]);
    expect(first.finishReason).toBe('tool_call');
    const history: ModelMessage[] = [
      ...hello,
      first,
      {
        kind: 'request',
        parts: [
          { partKind: 'tool-return', toolName: 'weather', toolCallId: 'test_call_1_0', content: 'sunny' },
        ],
      },
    ];
    const second = await model.request(history, {}, params);
    expect(second.parts).toEqual([{ partKind: 'text', content: '{"weather":"sunny"}' }]);
  });

  test('answers through the output tool when text is not allowed', async () => {
    const output = {
      name: 'final_result',
      parametersJsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
    };
    const params: ModelRequestParameters = {
      functionTools: [],
      outputTools: [output],
      allowTextOutput: false,
    };
    const response = await new TestModel().request(hello, {}, params);
    expect(response.parts).toEqual([
      { partKind: 'tool-call', toolName: 'final_result', args: { ok: false }, toolCallId: 'test_call_1_0' },
    ]);
    const custom = await new TestModel({ customOutputArgs: { ok: true } }).request(hello, {}, params);
    expect(custom.parts).toEqual([
      { partKind: 'tool-call', toolName: 'final_result', args: { ok: true }, toolCallId: 'test_call_1_0' },
    ]);
  });

  test('streams the same answer in several text deltas', async () => {
    const stream = await new TestModel({ customOutputText: 'one two three' }).requestStream(hello);
    const deltas: string[] = [];
    for await (const event of stream) {
      if (event.kind === 'part-start' && event.part.partKind === 'text') deltas.push(event.part.content);
      if (event.kind === 'part-delta' && event.delta.partKind === 'text')
        deltas.push(event.delta.contentDelta);
    }
    expect(deltas).toEqual(['one ', 'two ', 'three']);
    expect(stream.get().parts).toEqual([{ partKind: 'text', content: 'one two three' }]);
    expect(stream.get().finishReason).toBe('stop');
  });

  test('builds arguments from enums, refs, arrays and unions', () => {
    expect(
      argsFromSchema({
        type: 'object',
        $defs: { Color: { enum: ['red', 'blue'] } },
        properties: {
          color: { $ref: '#/$defs/Color' },
          tags: { type: 'array', items: { type: 'string', minLength: 2 } },
          maybe: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 1.5 }] },
          fixed: { const: 7 },
        },
      }),
    ).toEqual({ color: 'red', tags: ['aa'], maybe: 1.5, fixed: 7 });
  });
});

describe('TestModel options written by hand', () => {
  test.each([
    [{ callTools: 'weather' }, 'callTools must be \'all\' or a list of tool names; got "weather" (a string)'],
    [{ callTools: [1] }, "callTools must be 'all' or a list of tool names"],
    [{ customOutputText: 5 }, 'customOutputText must be a string; got 5'],
    [{ customOutputArgs: 'x' }, 'customOutputArgs must be an object of arguments'],
  ])('rejects %j when built', (options, message) => {
    expect(() => new TestModel(options as never)).toThrow(UserError);
    expect(() => new TestModel(options as never)).toThrow(`TestModel: ${message}`);
  });
});
