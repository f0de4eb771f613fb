/**
 * Soak: mixed traffic through the gateway for N minutes over three chaos upstreams (OpenAI, Anthropic,
 * Gemini protocols) that fail 20% of requests and take scheduled outages in turn. It checks that every
 * request sent is answered or errored — none lost, no stream silently truncated — and that no answer is
 * attributed to the wrong model (each model answers a filler text of its own length, so a mislabelled
 * answer shows). Every 10 s it samples the process's RSS, heap and open file descriptors; at the end it
 * writes a CSV, an SVG chart and a markdown summary to bench/results/. Not part of CI.
 *
 * Run (Node 24): `npx node --expose-gc scripts/soak.ts --minutes 30` (default 3 minutes, at most 120);
 * with --expose-gc each sample follows a full collection, so the heap curve is what is really retained.
 * The gateway, the upstreams and the load run in this one process, so the figures are an upper bound
 * for the gateway alone: a leak in any of them shows in the curve.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { type ChaosProtocol, type ChaosServer, fillerText, startChaosServer } from '../src/chaos/index.ts';
import { type GatewayConfigInput, startGateway } from '../src/gateway/index.ts';
import { closeUpstreamConnections } from '../src/transport/client.ts';
import { type ResourceSample, soakChartSvg } from './soak-chart.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    'sample-seconds': { type: 'string', default: '10' },
    'max-requests': { type: 'string', default: '5000000' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const minutes = Math.min(120, Math.max(0.1, Number(values.minutes)));
const concurrency = Math.min(64, Math.max(1, Number(values.concurrency)));
const sampleMs = Math.max(1, Number(values['sample-seconds'])) * 1000;
const maxRequests = Number(values['max-requests']);

/** Each model answers filler of its own length: the text proves which model wrote it. */
const UPSTREAMS: Array<{ provider: string; protocol: ChaosProtocol; models: Record<string, number> }> = [
  { provider: 'oa', protocol: 'openai', models: { 'gpt-a': 6, 'gpt-b': 8 } },
  { provider: 'an', protocol: 'anthropic', models: { 'claude-a': 10 } },
  { provider: 'ge', protocol: 'gemini', models: { 'gem-a': 12 } },
];
const TOKENS: Record<string, number> = {};
for (const upstream of UPSTREAMS)
  for (const [model, tokens] of Object.entries(upstream.models))
    TOKENS[`${upstream.provider}:${model}`] = tokens;

// 20% of requests fail, in every way the chaos upstreams know.
const FAULT_MIX = [
  { fault: 'status:429', weight: 0.04 },
  { fault: 'status:500', weight: 0.03 },
  { fault: 'status:503', weight: 0.03 },
  { fault: 'reset', weight: 0.03 },
  { fault: 'error-frame:2', weight: 0.02 },
  { fault: 'cut-after:3', weight: 0.02 },
  { fault: 'slow-first-token:1500', weight: 0.02 },
  { fault: 'malformed', weight: 0.01 },
];

/** Every two minutes one upstream is down (503) for 20 s, taking turns. */
function outages(index: number): Array<{ from: number; to: number; fault: string }> {
  const schedule: Array<{ from: number; to: number; fault: string }> = [];
  for (let start = 30 + index * 40; start < minutes * 60; start += 120)
    schedule.push({ from: start, to: start + 20, fault: 'status:503' });
  return schedule;
}

type Outcome =
  | { kind: 'answered'; model: string; text: string }
  | { kind: 'errored'; why: string }
  | { kind: 'truncated'; why: string }
  | { kind: 'lost'; why: string };

const CLIENT_DEADLINE_MS = 30_000;
const ROUTES = ['r1', 'r2', 'r3'];
const KINDS = ['sdk-request', 'sdk-stream', 'fetch-request', 'fetch-stream', 'fetch-messages'] as const;
const messages = [{ role: 'user' as const, content: 'soak' }];

async function viaSdk(client: OpenAI, route: string, stream: boolean): Promise<Outcome> {
  try {
    if (!stream) {
      const data = await client.chat.completions.create({ model: route, messages });
      return { kind: 'answered', model: data.model, text: data.choices[0]?.message.content ?? '' };
    }
    let text = '';
    let model = '';
    let finished = false;
    for await (const chunk of await client.chat.completions.create({
      model: route,
      messages,
      stream: true,
    })) {
      model = chunk.model;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finished = true;
    }
    return finished
      ? { kind: 'answered', model, text }
      : { kind: 'truncated', why: 'sdk stream without finish' };
  } catch (error) {
    if (error instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'lost', why: 'client deadline' };
    return {
      kind: 'errored',
      why: error instanceof OpenAI.APIError ? `api ${error.status ?? 'frame'}` : 'other',
    };
  }
}

async function viaFetch(url: string, route: string, kind: (typeof KINDS)[number]): Promise<Outcome> {
  const anthropic = kind === 'fetch-messages';
  const stream = kind === 'fetch-stream';
  let response: Response;
  try {
    response = await fetch(`${url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: route, max_tokens: 64, messages, stream }),
      signal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
    });
  } catch (error) {
    return { kind: (error as Error).name === 'TimeoutError' ? 'lost' : 'errored', why: 'fetch failed' };
  }
  let body: string;
  try {
    body = await response.text();
  } catch (error) {
    return { kind: (error as Error).name === 'TimeoutError' ? 'lost' : 'truncated', why: 'body broke' };
  }
  if (response.status !== 200) return { kind: 'errored', why: `http ${response.status}` };
  const model = response.headers.get('x-understudy-model') ?? '';
  if (!stream) {
    const data = JSON.parse(body) as {
      model: string;
      choices?: Array<{ message: { content: string } }>;
      content?: Array<{ text: string }>;
    };
    const text = anthropic ? (data.content?.[0]?.text ?? '') : (data.choices?.[0]?.message.content ?? '');
    if (data.model !== model) return { kind: 'answered', model: `${data.model}|header:${model}`, text };
    return { kind: 'answered', model, text };
  }
  let text = '';
  let finished = false;
  let done = false;
  for (const frame of body.split('\n\n')) {
    const data = frame.startsWith('data: ') ? frame.slice(6) : '';
    if (data === '[DONE]') done = true;
    else if (data !== '') {
      const chunk = JSON.parse(data) as {
        error?: unknown;
        choices?: Array<{ delta: { content?: string }; finish_reason: string | null }>;
      };
      if (chunk.error) return { kind: 'errored', why: 'error frame' };
      text += chunk.choices?.[0]?.delta.content ?? '';
      if (chunk.choices?.[0]?.finish_reason) finished = true;
    }
  }
  return finished && done
    ? { kind: 'answered', model, text }
    : { kind: 'truncated', why: 'stream ended without finish and [DONE]' };
}

async function main(): Promise<void> {
  const chaos: ChaosServer[] = [];
  for (const [index, upstream] of UPSTREAMS.entries()) {
    const models: Record<string, { answer: string; fault: { mix: typeof FAULT_MIX; seed: number } }> = {};
    for (const [model, tokens] of Object.entries(upstream.models))
      models[model] = { answer: `filler:${tokens}`, fault: { mix: FAULT_MIX, seed: 100 + index } };
    chaos.push(
      await startChaosServer({
        protocol: upstream.protocol,
        scenario: { models, schedule: outages(index) },
        hangCapMs: 20_000,
      }),
    );
  }
  const route = (models: string[]) => ({
    models,
    retries: 1,
    retryBaseDelayMs: 50,
    firstTokenTimeoutMs: 1000,
    idleTimeoutMs: 1000,
    timeoutMs: 8000,
    breaker: { cooldownMs: 5000 },
  });
  const config: GatewayConfigInput = {
    providers: Object.fromEntries(
      UPSTREAMS.map((u, i) => [
        u.provider,
        { type: u.protocol === 'gemini' ? 'google-gla' : u.protocol, baseUrl: chaos[i]!.url },
      ]),
    ),
    routes: {
      r1: route(['oa:gpt-a', 'an:claude-a', 'ge:gem-a']),
      r2: route(['an:claude-a', 'ge:gem-a', 'oa:gpt-b']),
      r3: route(['ge:gem-a', 'oa:gpt-b']),
    },
  };
  const logs: string[] = [];
  const gateway = await startGateway({ config, port: 0, log: (line) => logs.push(line) });
  const client = new OpenAI({
    baseURL: `${gateway.url}/v1`,
    apiKey: 'soak',
    maxRetries: 0,
    timeout: CLIENT_DEADLINE_MS,
  });

  const counts = { sent: 0, answered: 0, errored: 0, truncated: 0, lost: 0, misattributed: 0 };
  const byKind: Record<string, number> = {};
  const problems: string[] = [];
  const started = performance.now();
  const endAt = started + minutes * 60_000;
  const samples: ResourceSample[] = [];
  // With --expose-gc, collect first: the heap curve then shows what is retained, not what is pending.
  const collect = (globalThis as { gc?: () => void }).gc;
  const sample = () => {
    collect?.();
    const memory = process.memoryUsage();
    samples.push({
      elapsedSeconds: Math.round((performance.now() - started) / 1000),
      rssMiB: memory.rss / 2 ** 20,
      heapUsedMiB: memory.heapUsed / 2 ** 20,
      fds: readdirSync('/proc/self/fd').length,
      ...{ sent: counts.sent, answered: counts.answered, errored: counts.errored },
    });
    const last = samples.at(-1)!;
    process.stderr.write(
      `${last.elapsedSeconds}s rss=${last.rssMiB.toFixed(1)}MiB heap=${last.heapUsedMiB.toFixed(1)}MiB fds=${last.fds} sent=${counts.sent} answered=${counts.answered} errored=${counts.errored}\n`,
    );
  };
  sample();
  const sampler = setInterval(sample, sampleMs);

  let draw = 1;
  const next = () => {
    draw = (draw * 48271) % 2147483647; // a fixed-seed PRNG: the same run sends the same mix
    return draw / 2147483647;
  };
  const worker = async () => {
    while (performance.now() < endAt && counts.sent < maxRequests) {
      const kind = KINDS[Math.floor(next() * KINDS.length)]!;
      const routeName = ROUTES[Math.floor(next() * ROUTES.length)]!;
      counts.sent++;
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      const outcome = kind.startsWith('sdk')
        ? await viaSdk(client, routeName, kind === 'sdk-stream')
        : await viaFetch(gateway.url, routeName, kind);
      if (outcome.kind === 'answered') {
        counts.answered++;
        const tokens = TOKENS[outcome.model];
        if (tokens === undefined || outcome.text !== fillerText(tokens)) {
          counts.misattributed++;
          if (problems.length < 20)
            problems.push(`misattributed (${kind}): model '${outcome.model}', text '${outcome.text}'`);
        }
      } else {
        counts[outcome.kind]++;
        if (outcome.kind !== 'errored' && problems.length < 20)
          problems.push(`${outcome.kind} (${kind}): ${outcome.why}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);
  sample();
  await gateway.close();
  await Promise.all(chaos.map((server) => server.close()));
  await closeUpstreamConnections();

  const elapsedS = (performance.now() - started) / 1000;
  writeResults({ counts, byKind, problems, samples, elapsedS, chaos, logs });
  const failed =
    counts.lost + counts.truncated + counts.misattributed > 0 ||
    counts.sent !== counts.answered + counts.errored + counts.truncated + counts.lost;
  process.exitCode = failed ? 1 : 0;
}

function writeResults(run: {
  counts: Record<string, number>;
  byKind: Record<string, number>;
  problems: string[];
  samples: ResourceSample[];
  elapsedS: number;
  chaos: ChaosServer[];
  logs: string[];
}): void {
  const { counts, samples } = run;
  mkdirSync(values.out!, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const base = `${values.out}/soak-${stamp}`;
  const csv = ['elapsed_s,rss_mib,heap_used_mib,fds,sent,answered,errored']
    .concat(
      samples.map((s) =>
        [
          s.elapsedSeconds,
          s.rssMiB.toFixed(1),
          s.heapUsedMiB.toFixed(1),
          s.fds,
          s.sent,
          s.answered,
          s.errored,
        ].join(','),
      ),
    )
    .join('\n');
  writeFileSync(`${base}.csv`, `${csv}\n`);
  writeFileSync(
    `${base}.svg`,
    soakChartSvg(samples, `Soak ${(run.elapsedS / 60).toFixed(1)} min through the gateway`),
  );
  // Flatness: compare the second half's averages with the first's, after the first sample (warm-up).
  const steady = samples.slice(1);
  const half = Math.max(1, Math.floor(steady.length / 2));
  const mean = (list: ResourceSample[], pick: (s: ResourceSample) => number) =>
    list.reduce((sum, s) => sum + pick(s), 0) / Math.max(1, list.length);
  const drift = (pick: (s: ResourceSample) => number) =>
    `${mean(steady.slice(0, half), pick).toFixed(1)} → ${mean(steady.slice(half), pick).toFixed(1)}`;
  const faults: Record<string, number> = {};
  for (const server of run.chaos)
    for (const [key, n] of Object.entries(server.stats.faults)) faults[key] = (faults[key] ?? 0) + n;
  const upstreamRequests = run.chaos.reduce((sum, server) => sum + server.stats.requests, 0);
  const summary = [
    `# Soak run ${stamp}`,
    '',
    `${(run.elapsedS / 60).toFixed(1)} minutes, ${concurrency} concurrent clients, ${(counts.sent! / run.elapsedS).toFixed(0)} requests/s.`,
    '',
    '| sent | answered | errored | lost | truncated | misattributed |',
    '| --- | --- | --- | --- | --- | --- |',
    `| ${counts.sent} | ${counts.answered} | ${counts.errored} | ${counts.lost} | ${counts.truncated} | ${counts.misattributed} |`,
    '',
    `Requests by client: ${JSON.stringify(run.byKind)}`,
    '',
    `Upstream requests: ${upstreamRequests}; faults injected: ${JSON.stringify(faults)}`,
    '',
    '| resource | first sample | last sample | max | mean, first half → second half |',
    '| --- | --- | --- | --- | --- |',
    `| RSS MiB | ${samples[0]!.rssMiB.toFixed(1)} | ${samples.at(-1)!.rssMiB.toFixed(1)} | ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(1)} | ${drift((s) => s.rssMiB)} |`,
    `| heap used MiB | ${samples[0]!.heapUsedMiB.toFixed(1)} | ${samples.at(-1)!.heapUsedMiB.toFixed(1)} | ${Math.max(...samples.map((s) => s.heapUsedMiB)).toFixed(1)} | ${drift((s) => s.heapUsedMiB)} |`,
    `| open fds | ${samples[0]!.fds} | ${samples.at(-1)!.fds} | ${Math.max(...samples.map((s) => s.fds))} | ${drift((s) => s.fds)} |`,
    '',
    `![resources](${base.split('/').at(-1)}.svg)`,
    '',
    run.problems.length
      ? `Problems:\n\n${run.problems.map((p) => `- ${p}`).join('\n')}`
      : 'No request lost, truncated or misattributed.',
    '',
    `Gateway log lines: ${run.logs.length}`,
    '',
  ].join('\n');
  writeFileSync(`${base}.md`, summary);
  process.stdout.write(`${summary}\nwrote ${base}.csv, ${base}.svg, ${base}.md\n`);
}

await main();
