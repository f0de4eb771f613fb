/**
 * What a pass-through costs per request body, against what it replaces. Three ways to send the client's
 * body with another model: splice the model value into the text (what the gateway does: one scan to
 * the top-level `model`, one string concatenation), JSON.stringify of the already-parsed body with the
 * model changed (bytes not the client's), and the translation path's rebuild (parse to the neutral
 * messages, then the adapter's body) is not measured here: bench/gateway.ts covers it whole.
 * Bodies: Claude Code's recorded first turn (49 KB) and a small OpenAI chat request.
 *
 * Run: node bench/pass-through-body.ts   (Node 24; a few seconds)
 */
import { readFileSync } from 'node:fs';
import { findTopLevelValue, setAt } from '../src/adapters/pass-through/json-splice.ts';
import { anthropicPassThrough } from '../src/gateway/anthropic/pass-through.ts';
import { openAIChatPassThrough } from '../src/gateway/openai/pass-through.ts';
import { OpenAIStreamWriter } from '../src/gateway/openai/stream-writer.ts';

const claudeCode = (
  JSON.parse(
    readFileSync(new URL('../test/fixtures/agents/claude-code-messages.json', import.meta.url), 'utf8'),
  ) as {
    body: string;
  }
).body;
const small = JSON.stringify({
  model: 'gpt-5',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello there, how are you today?' },
  ],
  stream: true,
});

function perCallMicros(label: string, iterations: number, run: () => string): void {
  let sink = 0;
  for (let i = 0; i < iterations / 10; i++) sink += run().length; // warm up
  const samples: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += run().length;
    samples.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(52)} median ${samples[3]!.toFixed(2)} µs  (min ${samples[0]!.toFixed(2)}, max ${samples[6]!.toFixed(2)})${sink < 0 ? '' : ''}`,
  );
}

for (const [name, text, iterations] of [
  ['Claude Code first turn, 49 KB', claudeCode, 2_000],
  ['small OpenAI chat request', small, 200_000],
] as const) {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  perCallMicros(`${name}: splice (find + set)`, iterations, () =>
    setAt(text, findTopLevelValue(text, 'model'), 'model', 'claude-sonnet-4-5'),
  );
  const span = findTopLevelValue(text, 'model');
  perCallMicros(`${name}: splice at a known span (per attempt)`, iterations, () =>
    setAt(text, span, 'model', 'claude-sonnet-4-5'),
  );
  perCallMicros(`${name}: JSON.stringify of the parsed copy`, iterations, () =>
    JSON.stringify({ ...parsed, model: 'claude-sonnet-4-5' }),
  );
}

// Per streamed token: the OpenAI chunk as the pass-through writes it (the served model set in the
// upstream's frame) against the translated writer re-encoding the event.
const served = { modelId: 'openai:gpt-5', responseId: 'chatcmpl-1', created: 1 };
const call = { includeUsage: true } as Parameters<typeof openAIChatPassThrough.frames>[2];
const frame = `data: ${JSON.stringify({ id: 'chatcmpl-abc123', object: 'chat.completion.chunk', created: 1733, model: 'gpt-5-2025-08-07', service_tier: 'default', system_fingerprint: null, choices: [{ index: 0, delta: { content: ' token' }, logprobs: null, finish_reason: null }], obfuscation: 'xYz' })}\n\n`;
perCallMicros('OpenAI chunk: pass-through frame (model set)', 500_000, () =>
  openAIChatPassThrough.frames(frame, served, call),
);
const writer = new OpenAIStreamWriter(served, { includeUsage: true, outputToolName: undefined });
const event = { kind: 'part-delta', index: 0, delta: { partKind: 'text', contentDelta: ' token' } } as const;
perCallMicros('OpenAI chunk: translated writer.event', 500_000, () => writer.event(event));
perCallMicros('Anthropic frame: pass-through frame (as received)', 500_000, () =>
  anthropicPassThrough.frames(frame, served, call),
);
