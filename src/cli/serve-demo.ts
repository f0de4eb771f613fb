/**
 * What `npm start` shows when the gateway runs in demo mode: a live line for every request it serves
 * (which model answered, the attempt chain, latency), breaker changes as they happen, a short burst of
 * requests of its own so there is something to see at once, and how to point your own client at it.
 */
import type { BreakerChanged, RequestFinished } from '../gateway/events.ts';
import type { Gateway } from '../gateway/index.ts';
import { paint } from './colour.ts';
import { breakerLine, requestLine } from './demo/render.ts';

/** Prints each finished request and breaker change; returns a function that stops printing. */
export function showLiveRequests(gateway: Gateway, write: (line: string) => void = console.log): () => void {
  let index = 0;
  const onRequest = (finished: RequestFinished) => {
    write(requestLine(++index, finished.stream, finished.servedModel, finished.latencyMs, finished.attempts));
  };
  const onBreaker = (change: BreakerChanged) => write(breakerLine(change.key, change.from, change.to));
  gateway.events.on('request-finished', onRequest);
  gateway.events.on('breaker-changed', onBreaker);
  return () => {
    gateway.events.off('request-finished', onRequest);
    gateway.events.off('breaker-changed', onBreaker);
  };
}

/** Sends `count` requests to the demo route, half of them streamed, a few at a time. */
export async function sendDemoTraffic(url: string, count: number, signal?: AbortSignal): Promise<void> {
  const prompts = ['What is a circuit breaker?', 'Say hello in French.', 'Name three rivers.'];
  const one = async (i: number): Promise<void> => {
    const stream = i % 2 === 1;
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'demo',
        stream,
        messages: [{ role: 'user', content: prompts[i % prompts.length] }],
      }),
      signal,
    });
    await response.arrayBuffer();
  };
  for (let i = 0; i < count && !signal?.aborted; i += 2) {
    await Promise.all([one(i), one(i + 1)]).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** How to reach the gateway from a client: curl, and the official openai client. */
export function clientHint(url: string): string {
  return [
    '',
    paint('bold', 'Your turn — point any OpenAI or Anthropic client at the gateway:'),
    `  curl ${url}/v1/chat/completions -H 'content-type: application/json' \\`,
    `    -d '{"model":"demo","messages":[{"role":"user","content":"Hello"}]}'`,
    `  new OpenAI({ baseURL: '${url}/v1', apiKey: 'any' })   # or Anthropic({ baseURL: '${url}' })`,
    `  Status page: ${url}/   Metrics: ${url}/metrics   Stop: Ctrl-C`,
    '',
  ].join('\n');
}
