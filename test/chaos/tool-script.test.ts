import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';

let server: ChaosServer;
beforeAll(async () => {
  server = await startChaosServer({
    protocol: 'openai-responses',
    scenario: { toolArgs: { exec_command: { cmd: 'cat notes.txt' } } },
  });
});
afterAll(() => server.close());

const tools: OpenAI.Responses.FunctionTool[] = [
  {
    type: 'function',
    name: 'exec_command',
    parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] },
    strict: false,
  },
  {
    type: 'function',
    name: 'view_image',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    strict: false,
  },
];

describe('scenario toolArgs', () => {
  it('calls a scripted tool with its scripted arguments, whole and streamed', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0 });
    const whole = await client.responses.create({ model: 'm', input: 'read it', tools });
    expect(whole.output[0]).toMatchObject({
      type: 'function_call',
      name: 'exec_command',
      arguments: '{"cmd":"cat notes.txt"}',
    });
    const stream = client.responses.stream({ model: 'm', input: 'read it', tools });
    let args = '';
    for await (const event of stream)
      if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    expect(args).toBe('{"cmd":"cat notes.txt"}');
  });

  it('leaves unscripted tools to their schema', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0 });
    const response = await client.responses.create({ model: 'm', input: 'look', tools: [tools[1]!] });
    expect(response.output[0]).toMatchObject({ name: 'view_image', arguments: '{"path":"example"}' });
  });
});
