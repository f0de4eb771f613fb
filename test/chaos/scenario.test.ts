import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { argsFromSchema, buildAnswer, countTokens, fillerText, tokenize } from '../../src/chaos/answers.ts';
import {
  loadScenarioFile,
  parseScenario,
  parseScenarioYaml,
  ScenarioError,
} from '../../src/chaos/scenario.ts';

describe('scenarios', () => {
  it('fills in defaults', () => {
    expect(parseScenario(undefined)).toEqual({
      answer: { kind: 'echo' },
      toolCalls: 'first',
      latency: {},
      models: {},
      keys: {},
      schedule: [],
    });
  });

  it('reads YAML with mixes, models and a schedule', () => {
    const scenario = parseScenarioYaml(
      [
        'answer: filler:20',
        'fault:',
        '  mix:',
        "    - { fault: 'status:503', weight: 0.3 }",
        '    - { fault: stall-after:3, weight: 0.1 }',
        '  seed: 42',
        'models:',
        '  gpt-4o: { fault: none, latency: { firstTokenMs: 50 } }',
        'schedule:',
        '  - { from: 10, to: 40, fault: "status:503" }',
      ].join('\n'),
    );
    expect(scenario.answer).toEqual({ kind: 'filler', tokens: 20 });
    expect(scenario.fault).toEqual({
      mix: [
        { fault: 'status:503', weight: 0.3 },
        { fault: 'stall-after:3', weight: 0.1 },
      ],
      seed: 42,
    });
    expect(scenario.models['gpt-4o']).toEqual({ fault: 'none', latency: { firstTokenMs: 50 } });
    expect(scenario.schedule).toEqual([{ from: 10, to: 40, fault: 'status:503' }]);
  });

  it.each([
    [{ fault: 'explode' }, "unknown fault 'explode'"],
    [
      {
        fault: {
          mix: [
            { fault: 'reset', weight: 0.8 },
            { fault: 'hang', weight: 0.5 },
          ],
        },
      },
      'at most 1',
    ],
    [{ schedule: [{ from: 40, to: 10, fault: 'reset' }] }, "'to' after 'from'"],
    [{ answer: 'shout' }, "answer must be 'echo' or 'filler:<tokens>'"],
    [{ faults: 'reset' }, 'faults'],
  ])('rejects %j with a clear message', (input, message) => {
    expect(() => parseScenario(input)).toThrow(ScenarioError);
    expect(() => parseScenario(input)).toThrow(message);
  });

  it('every example scenario is valid', async () => {
    const dir = new URL('../../examples/chaos/', import.meta.url);
    const files = (await readdir(dir)).filter((name) => name.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files)
      await expect(loadScenarioFile(new URL(file, dir).pathname)).resolves.toBeTruthy();
  });
});

describe('answers', () => {
  it('tokenizes words and punctuation, pieces joining back to the text', () => {
    expect(tokenize('echo: hello, world!')).toEqual(['echo', ':', ' hello', ',', ' world', '!']);
    expect(countTokens('echo: hello, world!')).toBe(6);
    expect(tokenize('  padded  ').join('')).toBe('  padded  ');
    expect(countTokens('')).toBe(0);
  });

  it('makes filler of exactly the requested length', () => {
    expect(countTokens(fillerText(57))).toBe(57);
    expect(fillerText(3)).toBe('the quick brown');
  });

  it('builds arguments from a JSON schema', () => {
    expect(
      argsFromSchema({
        type: 'object',
        properties: {
          name: { type: 'string' },
          count: { type: 'integer', minimum: 3 },
          tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
          when: { anyOf: [{ type: 'null' }, { type: 'string', format: 'date' }] },
          flag: { type: 'boolean', default: false },
          optional: { type: 'string' },
        },
        required: ['name', 'count', 'tags', 'when', 'flag'],
      }),
    ).toEqual({ name: 'example', count: 3, tags: ['a'], when: '2024-01-01', flag: false });
  });

  it('calls the forced tool, or every tool with toolCalls: all', () => {
    const tools = [
      { name: 'a', schema: { type: 'object', properties: {} } },
      { name: 'b', schema: { type: 'object', properties: { x: { type: 'number' } } } },
    ];
    const input = {
      lastUserText: 'hi',
      tools,
      forcedTool: undefined,
      hasToolResults: false,
      maxTokens: undefined,
    };
    expect(buildAnswer(input, { kind: 'echo' }, 'first').toolCalls.map((call) => call.name)).toEqual(['a']);
    expect(
      buildAnswer({ ...input, forcedTool: 'b' }, { kind: 'echo' }, 'first').toolCalls[0]!.argumentsJson,
    ).toBe('{"x":1}');
    expect(buildAnswer(input, { kind: 'echo' }, 'all').toolCalls.map((call) => call.name)).toEqual([
      'a',
      'b',
    ]);
    expect(buildAnswer({ ...input, hasToolResults: true }, { kind: 'echo' }, 'all')).toMatchObject({
      text: 'echo: hi',
      finish: 'stop',
      outputTokens: 3,
    });
  });
});
