import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { finishAfterEndMarker, readSSE } from '../../src/transport/sse.ts';

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads frames up to `[DONE]`, hands the rest to finishAfterEndMarker, and returns the data seen. */
async function readToMarker(body: PassThrough, graceMs: number): Promise<string[]> {
  const frames = readSSE(body);
  const seen: string[] = [];
  for (let step = await frames.next(); !step.done; step = await frames.next()) {
    seen.push(step.value.data);
    if (step.value.data === '[DONE]') {
      finishAfterEndMarker(frames, body, graceMs);
      break;
    }
  }
  return seen;
}

describe('finishAfterEndMarker', () => {
  test('a body that ends after the marker ends on its own: read to its end, never destroyed', async () => {
    const body = new PassThrough();
    body.write('data: {"a":1}\n\ndata: [DONE]\n\n');
    const seen = await readToMarker(body, 1_000);
    expect(seen).toEqual(['{"a":1}', '[DONE]']);
    // What follows the marker (here a stray frame) is read and ignored, then the body ends.
    body.end('data: {"after":true}\n\n');
    await waitMs(10);
    expect(body.readableEnded).toBe(true);
    expect(body.destroyed).toBe(true); // autoDestroy after a clean end
    expect(body.errored).toBeNull();
  });

  test('a body held open past the grace period is destroyed (without an error)', async () => {
    const body = new PassThrough();
    body.write('data: [DONE]\n\n');
    await readToMarker(body, 20);
    body.write(': keep-alive\n\n');
    await waitMs(5);
    expect(body.destroyed).toBe(false);
    await waitMs(40);
    expect(body.destroyed).toBe(true);
    expect(body.readableEnded).toBe(false);
    expect(body.errored).toBeNull();
  });

  test('a failure after the marker is swallowed: the answer was already complete', async () => {
    const body = new PassThrough();
    body.write('data: [DONE]\n\n');
    await readToMarker(body, 1_000);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    body.destroy(new Error('connection reset after the end'));
    await waitMs(10);
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
});
