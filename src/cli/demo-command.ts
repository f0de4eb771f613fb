/**
 * `understudy demo` (and `npm start` until a gateway is configured): three chaos upstreams — a flaky
 * OpenAI, an overloaded Anthropic and a healthy Gemini — behind one FallbackModel, with a stream of
 * requests shown live. No keys, no network; it stops by itself, or cleanly on Ctrl-C.
 */
import { type ChaosServer, startChaosServer } from '../chaos/index.ts';
import { type Attempt, userPrompt } from '../core/messages.ts';
import { FallbackModel, inferModel } from '../registry/index.ts';
import { closeUpstreamConnections } from '../transport/client.ts';
import { paint } from './colour.ts';
import { parseCommandLine } from './command-line/parse.ts';
import { wholeNumber } from './command-line/values.ts';
import { breakerLine, type ModelTally, percentile, requestLine, summaryTable } from './demo/render.ts';
import { DEMO_COMMAND } from './specs/demo.ts';

const PROMPTS = [
  'What is a circuit breaker?',
  'Say hello in French.',
  'Name three rivers.',
  'Why retry with jitter?',
];

/** Runs the demo command line (options in specs/demo.ts); resolves to the exit code once done. */
export async function runDemoCommand(argv: string[]): Promise<number> {
  const line = parseCommandLine(DEMO_COMMAND, argv);
  if (line.kind === 'help') {
    process.stdout.write(line.text);
    return 0;
  }
  const { values } = line;
  const total = wholeNumber(values.requests, '--requests', { min: 1 });
  const concurrency = wholeNumber(values.concurrency, '--concurrency', { min: 1 });
  // 0 is a fair pause: send as fast as the upstreams answer.
  const intervalMs = wholeNumber(values['interval-ms'], '--interval-ms', { min: 0 });

  const servers: ChaosServer[] = [];
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const flaky = await startChaosServer({
      protocol: 'openai',
      scenario: {
        latency: { firstTokenMs: 30, tokensPerSecond: 400 },
        fault: {
          seed: 7,
          mix: [
            { fault: 'status:429;retry-after=0.2', weight: 0.2 },
            { fault: 'status:503', weight: 0.25 },
            { fault: 'error-frame:0', weight: 0.05 },
            { fault: 'reset', weight: 0.05 },
          ],
        },
      },
    });
    servers.push(flaky);
    // Overloaded for the first few seconds, then back: watch its breaker open, probe, and close.
    const overloaded = await startChaosServer({
      protocol: 'anthropic',
      scenario: { latency: { firstTokenMs: 60 }, schedule: [{ from: 0, to: 4, fault: 'status:529' }] },
    });
    servers.push(overloaded);
    const healthy = await startChaosServer({
      protocol: 'gemini',
      scenario: { latency: { firstTokenMs: 90 } },
    });
    servers.push(healthy);

    const model = new FallbackModel(
      inferModel('openai:gpt-4o', { baseUrl: flaky.url }),
      inferModel('anthropic:claude-sonnet-4-5', { baseUrl: overloaded.url }),
      inferModel('google-gla:gemini-2.5-flash', { baseUrl: healthy.url }),
      {
        retry: { maxRetries: 1, baseDelayMs: 40, maxDelayMs: 250 },
        breaker: { failureThreshold: 2, cooldownMs: 1500 },
        timeoutMs: 5000,
        firstTokenTimeoutMs: 1500,
        onBreakerChange: (change) => console.log(breakerLine(change.key, change.from, change.to)),
      },
    );

    console.log(paint('bold', '\nUnderstudy demo — one FallbackModel over three local chaos upstreams\n'));
    console.log(
      `  ${paint('cyan', 'gpt-4o')}             ${flaky.url}  flaky: 429, 503, error frames, resets`,
    );
    console.log(
      `  ${paint('cyan', 'claude-sonnet-4-5')}  ${overloaded.url}  overloaded (529) for its first 4 s`,
    );
    console.log(`  ${paint('cyan', 'gemini-2.5-flash')}   ${healthy.url}  healthy\n`);

    const tallies = new Map<string, ModelTally>();
    const latencies: number[] = [];
    let served = 0;
    let failed = 0;
    let next = 0;

    const worker = async () => {
      while (!stop.signal.aborted && next < total) {
        const index = ++next;
        const stream = index % 2 === 0;
        const started = performance.now();
        let attempts: Attempt[] = [];
        let servedBy: string | undefined;
        try {
          const messages = [
            { kind: 'request' as const, parts: [userPrompt(PROMPTS[index % PROMPTS.length]!)] },
          ];
          const settings = { signal: stop.signal, maxTokens: 60 };
          if (stream) {
            const response = await model.requestStream(messages, settings);
            for await (const _ of response) {
              // Drain: the live view shows requests, not tokens.
            }
            const final = response.get();
            attempts = final.attempts ?? [];
            servedBy = final.modelName;
          } else {
            const response = await model.request(messages, settings);
            attempts = response.attempts ?? [];
            servedBy = response.modelName;
          }
          served++;
        } catch (error) {
          if (stop.signal.aborted) return;
          failed++;
          attempts = (error as { attempts?: Attempt[] }).attempts ?? [];
        }
        const latency = performance.now() - started;
        latencies.push(latency);
        tally(tallies, attempts);
        console.log(requestLine(index, stream, servedBy, latency, attempts));
        await sleep(intervalMs, stop.signal);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));

    console.log(paint('bold', `\nSummary`));
    console.log(summaryTable(tallies));
    console.log(
      `\n  ${served} served, ${failed} failed of ${served + failed} requests; latency p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms`,
    );
    console.log(paint('gray', `\n  Next: \`npx understudy serve\` runs the gateway; see README.md.\n`));
    return failed === 0 || served > 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all(servers.map((server) => server.close()));
    await closeUpstreamConnections();
  }
}

function tally(tallies: Map<string, ModelTally>, attempts: Attempt[]): void {
  for (const attempt of attempts) {
    let t = tallies.get(attempt.modelName);
    if (!t) {
      t = { attempts: 0, served: 0, skipped: 0, errors: {}, durations: [] };
      tallies.set(attempt.modelName, t);
    }
    if (attempt.outcome === 'skipped') {
      t.skipped++;
      continue;
    }
    t.attempts++;
    t.durations.push(attempt.durationMs);
    if (attempt.outcome === 'ok') t.served++;
    else if (attempt.outcome === 'error') {
      const kind = attempt.errorKind ?? 'error';
      t.errors[kind] = (t.errors[kind] ?? 0) + 1;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
