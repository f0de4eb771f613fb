/**
 * The transport Node gets through the package's `#transport` import: undici, Node's fast path, where it
 * can load (undici 8 needs Node 22.19 or later: it calls zlib functions older Nodes lack, at import),
 * and the fetch transport on older Nodes. The choice is made once, when this module loads; no request
 * asks again.
 */
import { createRequire } from 'node:module';
import { fetchTransport } from './fetch-client.ts';
import { type Undici, undiciTransport } from './undici-client.ts';
import type { Transport } from './upstream.ts';

// undici's own `engines` floor.
const UNDICI_FLOOR = [22, 19];

function loadsUndici(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > UNDICI_FLOOR[0]! || (major === UNDICI_FLOOR[0] && minor >= UNDICI_FLOOR[1]!);
}

// undici is CommonJS: require loads it synchronously, so the choice needs no top-level await (which
// would stop `require('understudy')` from working on Nodes that can require ES modules).
const transport: Transport = loadsUndici(process.versions.node)
  ? undiciTransport(createRequire(import.meta.url)('undici') as Undici)
  : fetchTransport;

/** See `Transport.postJson`. */
export const postJson = transport.postJson;
/** See `Transport.postJsonForText`. */
export const postJsonForText = transport.postJsonForText;
/** See `Transport.readBodyText`. */
export const readBodyText = transport.readBodyText;
/** See `Transport.setUpstreamConnectionLimit`. */
export const setUpstreamConnectionLimit = transport.setUpstreamConnectionLimit;
/** See `Transport.closeUpstreamConnections`. */
export const closeUpstreamConnections = transport.closeUpstreamConnections;
