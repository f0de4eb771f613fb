import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ModelAPIError, ModelHTTPError } from '../../src/core/errors/index.ts';
import { CallSignal } from '../../src/transport/call-signal.ts';
import { postJson } from '../../src/transport/client.ts';

afterEach(() => {
  vi.useRealTimers();
});

function socketError(): Error {
  return Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
}

describe('CallSignal', () => {
  test("a call nothing else cancels runs under its caller's own signal, unless it has a deadline", () => {
    const caller = new AbortController();
    const shared = new CallSignal('gpt-4o', { signal: caller.signal }, {}, false);
    expect(shared.signal).toBe(caller.signal);
    expect(() => shared.controller).toThrow(/cancellable/);
    const timed = new CallSignal('gpt-4o', { signal: caller.signal, timeout: 1_000 }, {}, false);
    expect(timed.signal).not.toBe(caller.signal);
    const reason = new Error('client went away');
    caller.abort(reason);
    expect(shared.mapFailure(socketError())).toBe(reason);
    expect(timed.signal.reason).toBe(reason);
    shared.dispose();
    timed.dispose();
  });

  test("the caller's abort keeps the caller's reason, whatever the call threw", () => {
    const caller = new AbortController();
    const call = new CallSignal('gpt-4o', { signal: caller.signal, timeout: 1_000 });
    const reason = new Error('user pressed stop');
    caller.abort(reason);
    expect(call.signal.aborted).toBe(true);
    expect(call.signal.reason).toBe(reason);
    expect(call.mapFailure(socketError())).toBe(reason);
    expect(call.mapFailure(new ModelAPIError('gpt-4o', 'late', { kind: 'server' }))).toBe(reason);
    call.dispose();
  });

  test('the deadline becomes a ModelAPIError of kind timeout, with the default message', () => {
    vi.useFakeTimers();
    const call = new CallSignal('gpt-4o', { timeout: 40 });
    vi.advanceTimersByTime(39);
    expect(call.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(call.signal.aborted).toBe(true);
    const cause = call.signal.reason;
    const error = call.mapFailure(cause) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('timeout');
    expect(error.modelName).toBe('gpt-4o');
    expect(error.message).toBe('gpt-4o: no answer within the 40 ms timeout');
    expect(error.cause).toBe(cause);
  });

  test("the deadline's message is the adapter's to word", () => {
    vi.useFakeTimers();
    const call = new CallSignal(
      'claude-haiku-4-5',
      { timeout: 25 },
      { timeoutMessage: (ms) => `Anthropic call timed out after ${ms} ms` },
    );
    vi.advanceTimersByTime(25);
    const error = call.mapFailure(new Error('aborted')) as ModelAPIError;
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('Anthropic call timed out after 25 ms');
  });

  test('a provider error stays what it was, even when the deadline fired after it', () => {
    vi.useFakeTimers();
    const call = new CallSignal('gpt-4o', { timeout: 10 });
    const providerError = new ModelHTTPError(503, 'gpt-4o', { error: { message: 'busy' } });
    vi.advanceTimersByTime(10);
    expect(call.mapFailure(providerError)).toBe(providerError);
  });

  test('dispose clears the timer: nothing is left scheduled and the signal never aborts', () => {
    vi.useFakeTimers();
    const call = new CallSignal('gpt-4o', { timeout: 50 });
    expect(vi.getTimerCount()).toBe(1);
    call.dispose();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(call.signal.aborted).toBe(false);
    call.dispose(); // a second dispose is harmless
  });

  test('an abort clears the deadline at once: the call has nothing left to time', () => {
    vi.useFakeTimers();
    const call = new CallSignal('gpt-4o', { timeout: 50 });
    expect(vi.getTimerCount()).toBe(1);
    call.controller.abort();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('no timeout, no timer', () => {
    vi.useFakeTimers();
    const call = new CallSignal('gpt-4o', {});
    expect(vi.getTimerCount()).toBe(0);
    expect(call.signal.aborted).toBe(false);
  });

  test("the call's own controller aborts the signal; the failure then carries the controller's reason", () => {
    const call = new CallSignal('gpt-4o', {});
    const reason = new Error('cancelled by the consumer');
    call.controller.abort(reason);
    expect(call.signal.aborted).toBe(true);
    expect(call.mapFailure(socketError())).toBe(reason);
  });

  test('a transport failure with no abort goes through transportError', () => {
    const call = new CallSignal('gpt-4o', {});
    const error = call.mapFailure(socketError()) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('network');
    expect(error.message).toBe('connection to upstream failed (UND_ERR_SOCKET): other side closed');
  });

  test('mapping twice gives the same error', () => {
    vi.useFakeTimers();
    const call = new CallSignal('gpt-4o', { timeout: 5 });
    vi.advanceTimersByTime(5);
    const once = call.mapFailure(call.signal.reason);
    expect(call.mapFailure(once)).toBe(once);
    const cancelled = new CallSignal('gpt-4o', {});
    cancelled.controller.abort(new Error('stop'));
    const first = cancelled.mapFailure(socketError());
    expect(cancelled.mapFailure(first)).toBe(first);
  });
});

describe('CallSignal with postJson', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  test('a server that never answers: the deadline closes the socket and the caller sees kind timeout', async () => {
    let socketClosed!: Promise<void>;
    server = createServer((req) => {
      socketClosed = new Promise((resolve) => req.socket.on('close', () => resolve()));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    const call = new CallSignal('gpt-4o', { timeout: 30 });
    const error = (await postJson({
      url,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      modelName: 'gpt-4o',
      signal: call.signal,
    }).then(
      () => undefined,
      (failure: unknown) => call.mapFailure(failure),
    )) as ModelAPIError;
    call.dispose();
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('gpt-4o: no answer within the 30 ms timeout');
    await socketClosed;
  });
});
