/**
 * The gateway's CPU per streamed answer, and per token: a chaos OpenAI upstream answers N tokens of filler
 * as fast as it can, the gateway relays them as Chat Completions chunks, and its own CPU time (read in
 * the gateway process) is divided by the streams it served. Two answer lengths give the fixed cost of a
 * stream and the cost of each further token, which is what a long answer pays for: one event per token
 * through the SSE reader, the adapter, the fallback layer and the gateway's writer.
 *
 * Run: node bench/stream-cost.ts [--streams 400] [--rounds 3] [--prof <dir>]      (Node 24)
 * `--prof <dir>` runs the gateway under `node --cpu-prof` and writes its profile there at the end.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';

const SELF = fileURLToPath(import.meta.url);
const SHORT = 20;
const LONG = 500;
const CONCURRENCY = 4;

const role = process.argv[2];
// A parent killed mid-run must not leave its servers behind.
if (role?.startsWith('--') && process.send) process.on('disconnect', () => process.exit(0));
if (role === '--upstream') {
  const { startChaosServer } = await import('../src/chaos/index.ts');
  const chaos = await startChaosServer({
    protocol: 'openai',
    scenario: {
      models: {
        short: { answer: { kind: 'filler', tokens: SHORT } },
        long: { answer: { kind: 'filler', tokens: LONG } },
      },
    },
  });
  process.send?.({ url: chaos.url });
} else if (role === '--gateway') {
  const { startGateway } = await import('../src/gateway/index.ts');
  const gateway = await startGateway({
    config: { providers: { up: { type: 'openai', baseUrl: process.argv[3]! } } },
    port: 0,
    env: {},
    log: () => {},
  });
  process.send?.({ url: gateway.url });
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuUs: user + system });
  });
} else {
  const { values } = parseArgs({
    options: {
      streams: { type: 'string', default: '400' },
      rounds: { type: 'string', default: '3' },
      prof: { type: 'string' },
    },
  });
  const streams = Number(values.streams);
  const rounds = Number(values.rounds);

  const start = async (roleArgs: string[], execArgv: string[] = []) => {
    const child: ChildProcess = fork(SELF, roleArgs, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv,
    });
    const [message] = (await once(child, 'message')) as [{ url: string }];
    return { child, url: message.url };
  };
  const upstream = await start(['--upstream']);
  const profile = values.prof ? ['--cpu-prof', '--cpu-prof-dir', values.prof] : [];
  const gateway = await start(['--gateway', upstream.url], profile);
  const cpuUs = async () => {
    gateway.child.send('cpu');
    const [message] = (await once(gateway.child, 'message')) as [{ cpuUs: number }];
    return message.cpuUs;
  };
  const agent = new Agent();
  const stream = async (model: string) => {
    const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'go' }] });
    const response = await request(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      dispatcher: agent,
    });
    if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
    await response.body.text();
  };
  /** Gateway CPU µs per stream of `model`, `streams` streams, CONCURRENCY at a time. */
  const measure = async (model: string) => {
    const before = await cpuUs();
    for (let sent = 0; sent < streams; sent += CONCURRENCY)
      await Promise.all(Array.from({ length: CONCURRENCY }, () => stream(model)));
    return ((await cpuUs()) - before) / streams;
  };

  for (const model of ['up:short', 'up:long']) await measure(model); // warm-up: JIT, pools
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const short: number[] = [];
  const long: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    short.push(await measure('up:short'));
    long.push(await measure('up:long'));
    console.log(
      `round ${round}: ${SHORT} tokens ${short.at(-1)!.toFixed(0)} µs, ${LONG} tokens ${long.at(-1)!.toFixed(0)} µs`,
    );
  }
  const perToken = (median(long) - median(short)) / (LONG - SHORT);
  console.log(
    `gateway CPU per stream (median of ${rounds} rounds of ${streams}): ${SHORT} tokens ${median(short).toFixed(0)} µs, ${LONG} tokens ${median(long).toFixed(0)} µs; each further token ${perToken.toFixed(2)} µs`,
  );
  upstream.child.kill();
  // Disconnected, the gateway exits on its own, which is when --cpu-prof writes the profile.
  gateway.child.disconnect();
  await once(gateway.child, 'exit');
  await agent.close();
}
