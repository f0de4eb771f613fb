/**
 * Both transports by name, for suites that hold each to the same contract (the fault matrix of
 * client.test.ts and post-json-for-text.test.ts). The undici one is built over the real `undici` package
 * as node-client.ts builds it; the fetch one is the module Bun, Deno, Workers and browsers load.
 */
import { createRequire } from 'node:module';
import { fetchTransport } from '../../src/transport/fetch-client.ts';
import { type Undici, undiciTransport } from '../../src/transport/undici-client.ts';
import type { Transport } from '../../src/transport/upstream.ts';

export const TRANSPORTS: [name: 'undici' | 'fetch', transport: Transport][] = [
  ['undici', undiciTransport(createRequire(import.meta.url)('undici') as Undici)],
  ['fetch', fetchTransport],
];
