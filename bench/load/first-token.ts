/**
 * Streaming probes for the benchmarks: time to the first content byte of an SSE answer, and holding many
 * streams open at once (to measure a server's memory per open stream).
 *
 * @example
 * const ttft = await measureFirstToken({ url, body, count: 200, rate: 100 });
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { percentile } from './open-loop.ts';

const CONTENT = /"(content|text)":"[^"]/;

/** Sends `count` streaming requests at `rate` per second; returns p50/p99 ms to the first content byte. */
export async function measureFirstToken(options: {
  url: string;
  body: string;
  headers?: Record<string, string>;
  count: number;
  rate: number;
}): Promise<{ p50Ms: number; p99Ms: number; failed: number }> {
  const headers = { 'content-type': 'application/json', ...options.headers };
  const dispatcher = new Agent({ connections: 64 });
  const times: number[] = [];
  let failed = 0;
  const one = async (): Promise<void> => {
    const start = performance.now();
    try {
      const response = await request(options.url, {
        method: 'POST',
        headers,
        body: options.body,
        dispatcher,
      });
      let seen = false;
      for await (const chunk of response.body) {
        if (!seen && CONTENT.test(chunk.toString())) {
          times.push(performance.now() - start);
          seen = true;
        }
      }
      if (!seen) failed++;
    } catch {
      failed++;
    }
  };
  const running: Array<Promise<void>> = [];
  for (let i = 0; i < options.count; i++) {
    running.push(one());
    await new Promise((resolve) => setTimeout(resolve, 1000 / options.rate));
  }
  await Promise.all(running);
  await dispatcher.close();
  times.sort((a, b) => a - b);
  return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), failed };
}

/**
 * Opens `count` streams and resolves once each has delivered its first content (or `timeoutMs` passed)
 * with how many did; `close()` ends them all.
 */
export async function holdStreams(options: {
  url: string;
  body: string;
  headers?: Record<string, string>;
  count: number;
  timeoutMs: number;
}): Promise<{ open: number; close(): Promise<void> }> {
  const headers = { 'content-type': 'application/json', ...options.headers };
  const dispatcher = new Agent({ connections: options.count, pipelining: 0 });
  const abort = new AbortController();
  let open = 0;
  let allOpen!: () => void;
  const reached = new Promise<void>((resolve) => {
    allOpen = resolve;
  });
  for (let i = 0; i < options.count; i++) {
    void (async () => {
      try {
        const response = await request(options.url, {
          method: 'POST',
          headers,
          body: options.body,
          dispatcher,
          signal: abort.signal,
        });
        let seen = false;
        // Keep reading (never break): the stream must stay open until close().
        for await (const chunk of response.body) {
          if (!seen && CONTENT.test(chunk.toString())) {
            seen = true;
            if (++open === options.count) allOpen();
          }
        }
      } catch {
        // ended by close(), or refused: counted as not open
      }
    })();
  }
  await Promise.race([reached, new Promise((resolve) => setTimeout(resolve, options.timeoutMs))]);
  return {
    get open() {
      return open;
    },
    async close() {
      abort.abort();
      await dispatcher.destroy();
    },
  };
}
