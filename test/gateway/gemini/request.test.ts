import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/gateway/errors/gateway-error.ts';
import { parseGenerateContent, STRUCTURED_OUTPUT_TOOL } from '../../../src/gateway/gemini/request.ts';

function parse(body: Record<string, unknown>, model = 'm') {
  return parseGenerateContent(
    { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], ...body },
    model,
    false,
  );
}

function refusal(body: Record<string, unknown>): GatewayError {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseGenerateContent', () => {
  it('reads the system instruction, turns, media, calls and their responses in order', () => {
    const { call } = parseGenerateContent(
      {
        systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Be kind.' }] },
        contents: [
          {
            role: 'user',
            parts: [{ text: 'Look' }, { inlineData: { mimeType: 'image/png', data: 'AAEC' } }],
          },
          {
            role: 'model',
            parts: [
              { text: 'Thinking…', thought: true, thoughtSignature: 'sig-1' },
              { functionCall: { name: 'look', args: { at: 'x' } }, thoughtSignature: 'sig-2' },
            ],
          },
          { role: 'user', parts: [{ functionResponse: { name: 'look', response: { output: 'a cat' } } }] },
          {
            role: 'user',
            parts: [{ fileData: { fileUri: 'https://x/doc.pdf', mimeType: 'application/pdf' } }],
          },
        ],
        models: ['o:gpt-4o'],
      },
      'flash',
      true,
    );
    expect(call.modelIds).toEqual(['flash', 'o:gpt-4o']);
    expect(call.stream).toBe(true);
    expect(call.messages).toEqual([
      {
        kind: 'request',
        parts: [
          { partKind: 'system-prompt', content: 'Be brief.\nBe kind.' },
          {
            partKind: 'user-prompt',
            content: [
              { kind: 'text', text: 'Look' },
              { kind: 'image', data: new Uint8Array([0, 1, 2]), mediaType: 'image/png' },
            ],
          },
        ],
      },
      expect.objectContaining({
        kind: 'response',
        parts: [
          { partKind: 'thinking', content: 'Thinking…', signature: 'sig-1' },
          { partKind: 'thinking', content: '', signature: 'sig-2' },
          { partKind: 'tool-call', toolName: 'look', toolCallId: 'gemini_call_1_1', args: { at: 'x' } },
        ],
      }),
      // A response without an id answers the oldest call of its name.
      {
        kind: 'request',
        parts: [
          {
            partKind: 'tool-return',
            toolName: 'look',
            toolCallId: 'gemini_call_1_1',
            content: { output: 'a cat' },
          },
        ],
      },
      {
        kind: 'request',
        parts: [
          {
            partKind: 'user-prompt',
            content: [{ kind: 'document', url: 'https://x/doc.pdf', mediaType: 'application/pdf' }],
          },
        ],
      },
    ]);
  });

  it('maps generationConfig to settings, and thinking budgets and levels to a level', () => {
    const config = {
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 100,
      stopSequences: ['x'],
      seed: 7,
    };
    expect(parse({ generationConfig: config }).call.settings).toEqual({
      temperature: 0.5,
      topP: 0.9,
      maxTokens: 100,
      stopSequences: ['x'],
      seed: 7,
    });
    const thinking = (thinkingConfig: Record<string, unknown>) =>
      parse({ generationConfig: { thinkingConfig } });
    expect(thinking({ thinkingBudget: 0 }).call.settings.thinking).toBe(false);
    expect(thinking({ thinkingBudget: -1 }).call.settings.thinking).toBe(true);
    expect(thinking({ thinkingBudget: 1024 }).call.settings.thinking).toBe('low');
    expect(thinking({ thinkingBudget: 30000 }).call.settings.thinking).toBe('xhigh');
    expect(thinking({ thinkingLevel: 'HIGH', includeThoughts: true })).toMatchObject({
      call: { settings: { thinking: 'high' } },
      includeThoughts: true,
    });
    expect(thinking({ includeThoughts: false }).includeThoughts).toBe(false);
  });

  it('reads function declarations in either schema form, and the calling mode', () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'a',
            parameters: { type: 'OBJECT', properties: { n: { type: 'INTEGER', nullable: true } } },
          },
          { name: 'b', description: 'B', parametersJsonSchema: { type: 'object', properties: {} } },
        ],
      },
    ];
    const auto = parse({ tools }).call.params;
    expect(auto.allowTextOutput).toBe(true);
    expect(auto.functionTools).toEqual([
      {
        name: 'a',
        parametersJsonSchema: { type: 'object', properties: { n: { type: ['integer', 'null'] } } },
      },
      { name: 'b', description: 'B', parametersJsonSchema: { type: 'object', properties: {} } },
    ]);
    const any = parse({
      tools,
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['b'] } },
    });
    expect(any.call.params.functionTools.map((t) => t.name)).toEqual(['b']);
    expect(any.call.params.allowTextOutput).toBe(false);
    expect(
      parse({ tools, toolConfig: { functionCallingConfig: { mode: 'none' } } }).call.params.functionTools,
    ).toEqual([]);
  });

  it('asks for JSON output with an output tool built from the response schema', () => {
    const { call } = parse({
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'OBJECT',
          properties: { city: { type: 'STRING' } },
          propertyOrdering: ['city'],
        },
      },
    });
    expect(call.outputToolName).toBe(STRUCTURED_OUTPUT_TOOL);
    expect(call.params.outputTools[0]?.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { city: { type: 'string' } },
    });
    expect(call.params.allowTextOutput).toBe(false);
  });

  it('names what has no equivalent elsewhere, for a chain that would translate it to refuse', () => {
    const fields = (body: Record<string, unknown>) => parse(body).call.untranslatable?.map((f) => f.param);
    expect(fields({ tools: [{ googleSearch: {} }] })).toEqual(['tools[0].googleSearch']);
    expect(fields({ generationConfig: { candidateCount: 2 } })).toEqual(['generationConfig.candidateCount']);
    expect(fields({ generationConfig: { responseMimeType: 'text/x.enum' } })).toEqual([
      'generationConfig.responseMimeType',
    ]);
    expect(fields({ generationConfig: { responseModalities: ['IMAGE'] } })).toEqual([
      'generationConfig.responseModalities',
    ]);
    expect(fields({ cachedContent: 'cachedContents/1' })).toEqual(['cachedContent']);
    expect(fields({ contents: [{ role: 'user', parts: [{ executableCode: { code: 'x' } }] }] })).toEqual([
      'contents[0].parts[0].executableCode',
    ]);
    expect(fields({})).toBeUndefined();
    expect(refusal({ contents: [] }).param).toBe('contents');
  });
});
