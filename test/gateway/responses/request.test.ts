import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/gateway/errors/gateway-error.ts';
import { parseResponsesRequest } from '../../../src/gateway/responses/request.ts';

function refusal(body: unknown): GatewayError {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseResponsesRequest', () => {
  it('reads a Codex-shaped turn: developer messages, ids on items, store false, encrypted reasoning', () => {
    const call = parseResponsesRequest({
      model: 'r',
      instructions: 'Be a coding agent.',
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'high', summary: 'auto' },
      parallel_tool_calls: true,
      prompt_cache_key: 'k',
      client_metadata: { session_id: 's' },
      input: [
        {
          type: 'message',
          id: 'msg_a',
          role: 'developer',
          content: [{ type: 'input_text', text: 'Rules.' }],
        },
        { type: 'message', id: 'msg_b', role: 'user', content: [{ type: 'input_text', text: 'Read it.' }] },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'I should read.' }],
          encrypted_content: 'us1.claude.t.SIG',
        },
        { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"cat a"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'hello' },
      ],
    });
    expect(call.settings).toEqual({ thinking: 'high', parallelToolCalls: true });
    expect(call.includeEncryptedReasoning).toBe(true);
    expect(call.stream).toBe(false);
    expect(call.messages).toHaveLength(3);
    expect(call.messages[0]).toEqual({
      kind: 'request',
      parts: [
        { partKind: 'system-prompt', content: 'Be a coding agent.' },
        { partKind: 'system-prompt', content: 'Rules.' },
        { partKind: 'user-prompt', content: [{ kind: 'text', text: 'Read it.' }] },
      ],
    });
    expect(call.messages[1]).toMatchObject({
      kind: 'response',
      providerName: 'claude',
      parts: [
        {
          partKind: 'thinking',
          content: 'I should read.',
          signature: 'SIG',
          providerName: 'claude',
          id: 'rs_1',
        },
        { partKind: 'tool-call', toolName: 'exec_command', toolCallId: 'call_1', args: '{"cmd":"cat a"}' },
      ],
    });
    expect(call.messages[2]).toEqual({
      kind: 'request',
      parts: [{ partKind: 'tool-return', toolCallId: 'call_1', toolName: 'exec_command', content: 'hello' }],
    });
  });

  it('keeps redacted thinking redacted, and OpenAI’s own encrypted reasoning as OpenAI’s', () => {
    const call = parseResponsesRequest({
      model: 'r',
      input: [
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'us1.anthropic.r.BLOB' },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAA-openai' },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(call.messages[0]).toMatchObject({
      parts: [
        { partKind: 'thinking', content: '', signature: 'BLOB', redacted: true, providerName: 'anthropic' },
        { partKind: 'thinking', content: '', signature: 'gAAAA-openai', providerName: 'openai', id: 'rs_2' },
        { partKind: 'text', content: 'ok' },
      ],
    });
  });

  it('reads images, files, reasoning effort none, json_schema output and a forced tool', () => {
    const call = parseResponsesRequest({
      model: 'r',
      reasoning: { effort: 'none' },
      max_output_tokens: 100,
      tools: [
        { type: 'function', name: 'f', parameters: { type: 'object' } },
        { type: 'function', name: 'g' },
      ],
      tool_choice: { type: 'function', name: 'g' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
            { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
          ],
        },
      ],
    });
    expect(call.settings).toEqual({ thinking: false, maxTokens: 100 });
    expect(call.params.functionTools.map((t) => t.name)).toEqual(['g']);
    expect(call.params.outputTools).toEqual([
      { name: 'out', parametersJsonSchema: { type: 'object' }, strict: true },
    ]);
    expect(call.params.allowTextOutput).toBe(false);
    expect(call.outputToolName).toBe('out');
    expect(call.messages[0]).toMatchObject({
      parts: [
        {
          content: [
            { kind: 'image', url: 'data:image/png;base64,AAAA' },
            { kind: 'document', url: 'data:application/pdf;base64,JVBERi0=', name: 'a.pdf' },
          ],
        },
      ],
    });
  });

  it('refuses what needs state the gateway does not keep', () => {
    expect(refusal({ model: 'r', input: 'hi', previous_response_id: 'resp_1' }).param).toBe(
      'previous_response_id',
    );
    expect(refusal({ model: 'r', input: 'hi', background: true }).param).toBe('background');
  });

  it('names, for any attempt that would translate them, the fields only OpenAI can serve', () => {
    const untranslatable = (body: Record<string, unknown>) =>
      parseResponsesRequest({ model: 'r', input: 'hi', ...body }).untranslatable?.map((f) => f.param);
    expect(untranslatable({ conversation: 'conv_1' })).toEqual(['conversation']);
    expect(untranslatable({ include: ['reasoning.encrypted_content', 'file_search_call.results'] })).toEqual([
      'include[1]',
    ]);
    expect(untranslatable({ tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }] })).toEqual([
      'tools[1]',
    ]);
    expect(untranslatable({ tool_choice: { type: 'file_search' } })).toEqual(['tool_choice']);
    expect(
      untranslatable({
        input: [
          { type: 'item_reference', id: 'msg_1' },
          { role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] },
          { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'x' }] },
          { type: 'web_search_call', id: 'ws_1' },
        ],
      }),
    ).toEqual(['input[0]', 'input[1].content[0].file_id', 'input[2].output[0]', 'input[3]']);
    // What translates is still read: the web search call is left out, the function tool kept.
    const call = parseResponsesRequest({
      model: 'r',
      input: 'hi',
      tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }],
    });
    expect(call.params.functionTools.map((t) => t.name)).toEqual(['f']);
  });

  it('answers a malformed item with a 400 naming the field inside it', () => {
    expect(
      refusal({ model: 'r', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }).message,
    ).toBe('Invalid request: input[0].call_id: Invalid input: expected string, received undefined');
    expect(
      refusal({
        model: 'r',
        input: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 7 },
        ],
      }).param,
    ).toBe('input[1].content');
    expect(refusal({ model: 'r' }).message).toBe(
      'Invalid request: input: expected a string or an array of input items',
    );
  });

  it('flattens a namespace of function tools, and reads a namespaced call sent back', () => {
    const call = parseResponsesRequest({
      model: 'r',
      tools: [
        {
          type: 'namespace',
          name: 'multi_agent_v1',
          description: 'Sub-agents.',
          tools: [
            {
              type: 'function',
              name: 'spawn_agent',
              description: 'Start one.',
              parameters: { type: 'object' },
            },
          ],
        },
      ],
      input: [
        { role: 'user', content: 'go' },
        {
          type: 'function_call',
          call_id: 'c1',
          name: 'spawn_agent',
          namespace: 'multi_agent_v1',
          arguments: '{}',
        },
        { type: 'function_call_output', call_id: 'c1', output: 'started' },
      ],
    });
    expect(call.params.functionTools).toEqual([
      {
        name: 'multi_agent_v1__spawn_agent',
        description: 'Sub-agents.\n\nStart one.',
        parametersJsonSchema: { type: 'object' },
      },
    ]);
    expect(call.namespacedTools?.get('multi_agent_v1__spawn_agent')).toEqual({
      namespace: 'multi_agent_v1',
      name: 'spawn_agent',
    });
    expect(call.messages[1]).toMatchObject({
      parts: [{ partKind: 'tool-call', toolName: 'multi_agent_v1__spawn_agent' }],
    });
    expect(call.messages[2]).toMatchObject({
      parts: [{ partKind: 'tool-return', toolName: 'multi_agent_v1__spawn_agent' }],
    });
    expect(
      parseResponsesRequest({
        model: 'r',
        input: 'x',
        tools: [{ type: 'namespace', name: 'n', tools: [{ type: 'custom', name: 'c' }] }],
      }).untranslatable,
    ).toMatchObject([{ param: 'tools[0].tools[0]' }]);
  });
});
