/**
 * A gateway set up as it would face the internet: a client key required, a body limit, an upstream key
 * held server-side, every log line captured. The hostile-input tests attack it and then check that it
 * still serves a normal request and never wrote a key anywhere.
 */
import net from 'node:net';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, type StartGatewayOptions, startGateway } from '../../../src/gateway/index.ts';

/** Recognisable fake secrets: a test fails if either ever appears in a log line or a response. */
export const UPSTREAM_KEY = 'sk-test-SECRET123';
export const CLIENT_KEY = 'sk-client-SECRET456';
export const BODY_LIMIT = 64 * 1024;

export interface HostileGateway {
  gateway: Gateway;
  chaos: ChaosServer;
  port: number;
  logs: string[];
  /** POSTs a small valid chat request with the client key; resolves with the status and body. */
  normalRequest(path?: '/v1/chat/completions' | '/v1/messages'): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startHostileGateway(extra: Partial<StartGatewayOptions> = {}): Promise<HostileGateway> {
  const chaos = await startChaosServer({ protocol: 'openai' });
  const logs: string[] = [];
  const gateway = await startGateway({
    port: 0,
    log: (line) => logs.push(line),
    env: { UP_KEY: UPSTREAM_KEY, CLIENT_KEY },
    config: {
      server: { bodyLimit: BODY_LIMIT, maxJsonDepth: 32 },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: env references, as the config takes them
      providers: { up: { type: 'openai', baseUrl: chaos.url, apiKey: '${UP_KEY}' } },
      routes: { main: { models: ['up:gpt-4o'], breaker: false } },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: env references, as the config takes them
      clients: [{ name: 'app', key: '${CLIENT_KEY}' }],
    },
    ...extra,
  });
  const port = Number(new URL(gateway.url).port);
  return {
    gateway,
    chaos,
    port,
    logs,
    async normalRequest(path = '/v1/chat/completions') {
      const body =
        path === '/v1/messages'
          ? { model: 'main', max_tokens: 16, messages: [{ role: 'user', content: 'still there?' }] }
          : { model: 'main', messages: [{ role: 'user', content: 'still there?' }] };
      const response = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      return { status: response.status, body: await response.text() };
    },
    async close() {
      await gateway.close();
      await chaos.close();
    },
  };
}

export interface RawExchange {
  /** Everything the server sent before closing (or before the wait ran out). */
  text: string;
  /** The status code of the first response line, if any. */
  status: number | undefined;
  /** True when the server closed the connection. */
  closed: boolean;
  ms: number;
}

/**
 * Writes raw bytes to the gateway over TCP and collects what comes back until the server closes the
 * connection or `waitMs` passes (then the client closes it). For malformed HTTP that fetch would refuse
 * to send.
 */
export function rawExchange(port: number, bytes: string | Buffer, waitMs = 2000): Promise<RawExchange> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({
        text,
        status: match ? Number(match[1]) : undefined,
        closed,
        ms: performance.now() - started,
      });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = !done;
      finish();
    });
    socket.on('connect', () => socket.write(bytes));
  });
}
