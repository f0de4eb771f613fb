/**
 * Makes any connection from a test to a non-loopback address fail loudly: the connect throws, and the
 * test that caused it fails even if the code under test swallowed the error. Tests talk to chaos
 * upstreams and cassette servers on 127.0.0.1, never to a real provider.
 */
import net from 'node:net';
import { afterEach, expect } from 'vitest';

/** Exported only so the guard's own test can take back the violation it provokes. */
export const violationsForTest: string[] = [];
const violations = violationsForTest;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0];
  let host: string | undefined;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const options = first as { host?: string; path?: string };
    if (options.path === undefined) host = options.host ?? 'localhost';
  } else if (typeof first === 'number') {
    host = typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  if (host !== undefined && !LOOPBACK.test(host)) {
    const message = `Unplanned network request to ${host} in a test: tests may only reach loopback servers.`;
    violations.push(message);
    throw new Error(message);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

afterEach(() => {
  const found = violations.splice(0);
  expect(found, 'network guard').toEqual([]);
});
