/**
 * Shared pieces of the FallbackModel-over-chaos tests: one chaos upstream per protocol, adapters pointed
 * at them with a fault in the `x-chaos` header, an upstream that fails only its first request, and a TCP
 * tap that shows whether the adapter closed its socket.
 */

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import type { Attempt, ModelMessage, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { userPrompt } from '../../../src/core/messages.ts';
import type { Model, StreamedResponse } from '../../../src/core/model.ts';
import { inferModel } from '../../../src/registry/index.ts';

export const PROTOCOLS = ['openai', 'anthropic', 'gemini'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MODEL_IDS: Record<Protocol, string> = {
  openai: 'openai:gpt-4o',
  anthropic: 'anthropic:claude-sonnet-4-5',
  gemini: 'google-gla:gemini-2.5-flash',
};
export const MODEL_NAMES: Record<Protocol, string> = {
  openai: 'gpt-4o',
  anthropic: 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
};
/** The healthy model each protocol's faulty one falls back to: another protocol, so each test crosses one. */
export const BACKUP: Record<Protocol, Protocol> = {
  openai: 'anthropic',
  anthropic: 'gemini',
  gemini: 'openai',
};

export const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Say hello to the chaos.')] }];
/** What every chaos upstream answers to `hello` (it echoes the last user message). */
export const HELLO_ANSWER = 'echo: Say hello to the chaos.';

/** An adapter for `protocol` pointed at `url`, sending `fault` as its `x-chaos` header on every call. */
export function modelAt(protocol: Protocol, url: string, fault?: string): Model {
  return inferModel(MODEL_IDS[protocol], {
    baseUrl: url,
    apiKey: 'test',
    settings: fault ? { extraHeaders: { 'x-chaos': fault } } : undefined,
  });
}

/** One chaos upstream per protocol, started together. */
export async function startUpstreams(): Promise<Record<Protocol, ChaosServer>> {
  const [openai, anthropic, gemini] = await Promise.all(
    PROTOCOLS.map((protocol) => startChaosServer({ protocol })),
  );
  return { openai: openai!, anthropic: anthropic!, gemini: gemini! };
}

/**
 * A chaos upstream whose first request gets `fault` and every later one a normal answer: a scheduled
 * outage over the first second of a clock that jumps past it as soon as the first request is seen.
 */
export async function startFaultOnce(protocol: Protocol, fault: string): Promise<ChaosServer> {
  let now = 0;
  return startChaosServer({
    protocol,
    now: () => now,
    scenario: { schedule: [{ from: 0, to: 1, fault }] },
    onRequest: () => {
      now = 10_000;
    },
  });
}

/** A TCP proxy in front of an upstream that counts the connections a client opens and closes. */
export interface Tap {
  /** The upstream's base URL, through the tap. */
  url: string;
  opened: number;
  closed: number;
  /** Resolves once every connection opened through the tap is closed. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function startTap(upstream: ChaosServer): Promise<Tap> {
  const sockets = new Set<Socket>();
  let waiters: Array<() => void> = [];
  const server = createServer((client) => {
    tap.opened++;
    sockets.add(client);
    const target = connect(upstream.port, '127.0.0.1');
    sockets.add(target);
    client.pipe(target);
    target.pipe(client);
    // Either side going away ends the other: the upstream must see the client's close.
    client.on('error', () => target.destroy());
    target.on('error', () => client.destroy());
    client.on('close', () => {
      target.destroy();
      sockets.delete(client);
      tap.closed++;
      if (tap.closed === tap.opened) for (const wake of waiters.splice(0)) wake();
    });
    target.on('close', () => {
      sockets.delete(target);
      client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const tap: Tap = {
    // The chaos url is an origin (anthropic, gemini) or an origin and /v1 (openai): swap the port only.
    url: upstream.url.replace(`:${upstream.port}`, `:${port}`),
    opened: 0,
    closed: 0,
    allClosed: () =>
      tap.closed === tap.opened
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push(resolve);
          }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        waiters = [];
        server.close(() => resolve());
      }),
  };
  return tap;
}

/** [modelName, outcome, errorKind, statusCode] of each attempt: the trace the tests assert exactly. */
export function trace(attempts: readonly Attempt[] | undefined) {
  return attempts?.map((a) => [a.modelName, a.outcome, a.errorKind, a.statusCode]);
}

export function deltaText(event: ModelResponseStreamEvent): string {
  if (event.kind === 'part-start' && event.part.partKind === 'text') return event.part.content;
  if (event.kind === 'part-delta' && event.delta.partKind === 'text') return event.delta.contentDelta;
  return '';
}

/** Reads a stream to its end; resolves with its text, or with `{ text, error }` if it throws. */
export async function drain(stream: StreamedResponse): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const event of stream) text += deltaText(event);
  } catch (error) {
    return { text, error };
  }
  return { text };
}
