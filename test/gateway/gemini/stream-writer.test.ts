import { describe, expect, it } from 'vitest';
import type { ModelResponse, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { emptyUsage } from '../../../src/core/usage.ts';
import { GatewayError } from '../../../src/gateway/errors/gateway-error.ts';
import { renderGenerateContent } from '../../../src/gateway/gemini/response.ts';
import { GeminiStreamWriter } from '../../../src/gateway/gemini/stream-writer.ts';

const served = { modelId: 'g:gemini-2.5-flash', responseId: 'r1', created: 0 };
const options = { includeThoughts: true, outputToolName: undefined };

const thought = { partKind: 'thinking' as const, content: 'Hm.', signature: 'sig' };
const call = { partKind: 'tool-call' as const, toolName: 'look', toolCallId: 'c1', args: '{"at":"x"}' };
const events: ModelResponseStreamEvent[] = [
  { kind: 'part-start', index: 0, part: { ...thought, signature: undefined } as never },
  { kind: 'part-end', index: 0, part: thought },
  { kind: 'part-start', index: 1, part: { partKind: 'text', content: 'Hi' } },
  { kind: 'part-delta', index: 1, delta: { partKind: 'text', contentDelta: ' there' } },
  { kind: 'part-end', index: 1, part: { partKind: 'text', content: 'Hi there' } },
  { kind: 'part-start', index: 2, part: { ...call, args: '' } },
  { kind: 'part-delta', index: 2, delta: { partKind: 'tool-call', argsDelta: '{"at":"x"}' } },
  { kind: 'part-end', index: 2, part: call },
];
const usage = { ...emptyUsage(), inputTokens: 5, outputTokens: 9, details: { thoughtsTokenCount: 4 } };
const response: ModelResponse = {
  kind: 'response',
  parts: [thought, { partKind: 'text', content: 'Hi there' }, call],
  usage,
  modelName: 'gemini-2.5-flash',
  providerName: 'g',
  finishReason: 'tool_call',
  timestamp: new Date(0),
};

/** A GenerateContentResponse chunk, as far as these tests read it. */
interface Chunk {
  candidates: Array<{ content: { parts: unknown[] }; finishReason?: string }>;
  usageMetadata?: unknown;
  modelVersion?: string;
}

function chunks(text: string): Chunk[] {
  return [...text.matchAll(/^data: (.*)\r\n\r\n/gm)].map((m) => JSON.parse(m[1]!));
}

describe('GeminiStreamWriter', () => {
  it('writes SSE chunks: thoughts, text deltas, a whole call carrying the signature, then finish and usage', () => {
    const writer = new GeminiStreamWriter(served, options, true);
    const text = writer.start() + events.map((e) => writer.event(e)).join('') + writer.finish(response);
    const parts = chunks(text).map((c) => c.candidates[0]?.content.parts[0]);
    expect(parts).toEqual([
      { text: 'Hm.', thought: true },
      { text: 'Hi', thoughtSignature: 'sig' },
      { text: ' there' },
      { functionCall: { name: 'look', args: { at: 'x' }, id: 'c1' } },
      { text: '' },
    ]);
    const last = chunks(text).at(-1)!;
    expect(last.candidates[0]?.finishReason).toBe('STOP');
    expect(last.usageMetadata).toEqual({
      promptTokenCount: 5,
      candidatesTokenCount: 5,
      thoughtsTokenCount: 4,
      totalTokenCount: 14,
    });
    expect(last.modelVersion).toBe('g:gemini-2.5-flash');
    expect(writer.contentType).toMatch(/^text\/event-stream/);
  });

  it('writes one JSON array without alt=sse, closed by the finish or by an error', () => {
    const writer = new GeminiStreamWriter(served, { ...options, includeThoughts: false }, false);
    const whole = writer.start() + events.map((e) => writer.event(e)).join('') + writer.finish(response);
    const array = JSON.parse(whole) as Chunk[];
    expect(array.map((c) => c.candidates[0]?.content.parts[0])).toEqual([
      { text: 'Hi', thoughtSignature: 'sig' },
      { text: ' there' },
      { functionCall: { name: 'look', args: { at: 'x' }, id: 'c1' } },
      { text: '' },
    ]);
    expect(writer.contentType).toMatch(/^application\/json/);
    const broken = new GeminiStreamWriter(served, options, false);
    const cut =
      broken.start() +
      broken.event(events[2]!) +
      broken.error(new GatewayError(503, 'upstream_unavailable', 'Down.'));
    expect(JSON.parse(cut).at(-1)).toEqual({ error: { code: 503, message: 'Down.', status: 'UNAVAILABLE' } });
  });

  it('renders the same parts whole, thoughts only when asked for', () => {
    const whole = JSON.parse(renderGenerateContent(response, served, options));
    expect(whole.candidates[0].content.parts).toEqual([
      { text: 'Hm.', thought: true, thoughtSignature: 'sig' },
      { text: 'Hi there' },
      { functionCall: { name: 'look', args: { at: 'x' }, id: 'c1' } },
    ]);
    const quiet = JSON.parse(renderGenerateContent(response, served, { ...options, includeThoughts: false }));
    expect(quiet.candidates[0].content.parts[0]).toEqual({ text: 'Hi there', thoughtSignature: 'sig' });
  });
});
