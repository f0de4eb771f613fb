/**
 * What the library needs from its runtime, written once with web APIs every runtime has (Node, Bun, Deno,
 * Workers, browsers): base64, random ids, a SHA-256, the environment and warnings. The library's other
 * layers use these instead of `Buffer`, `node:crypto` or `process`, so that nothing Node-only is loaded by
 * `import 'understudy'` (the gateway, chaos and CLI stay Node programs).
 */
import { Sha256 } from '@aws-crypto/sha256-js';

// Base64 by table over typed arrays: btoa/atob need a "binary string" of one character per byte, which
// made a 1 MB image cost ~140 ms to encode (Buffer: ~7 ms); this costs a few ms and runs everywhere.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODE = new TextEncoder().encode(ALPHABET);
const DECODE = new Uint8Array(256).fill(255);
for (let i = 0; i < ENCODE.length; i++) DECODE[ENCODE[i]!] = i;
const PAD = 61; // '='
const ascii = new TextDecoder();

/** Standard base64 (with padding) of the bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[n >> 18]!;
    out[o++] = ENCODE[(n >> 12) & 63]!;
    out[o++] = ENCODE[(n >> 6) & 63]!;
    out[o++] = ENCODE[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = ENCODE[n >> 18]!;
    out[o++] = ENCODE[(n >> 12) & 63]!;
    out[o++] = rest === 2 ? ENCODE[(n >> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  return ascii.decode(out);
}

/** The bytes of standard base64 (padding optional); throws a `TypeError` naming the first invalid character. */
export function base64ToBytes(base64: string): Uint8Array {
  const text = ENCODE_TEXT.encode(base64);
  let length = text.length;
  while (length > 0 && text[length - 1] === PAD) length--;
  if (length % 4 === 1 || text.length - length > 2)
    throw new TypeError('not base64: wrong length or padding');
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const n =
      (sextet(text, i) << 18) |
      (sextet(text, i + 1) << 12) |
      (sextet(text, i + 2) << 6) |
      sextet(text, i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (i < length) {
    // Two or three characters left: one or two bytes.
    const n =
      (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (i + 2 < length ? sextet(text, i + 2) << 6 : 0);
    out[o++] = n >> 16;
    if (i + 2 < length) out[o++] = (n >> 8) & 255;
  }
  return out;
}

function sextet(text: Uint8Array, at: number): number {
  const value = DECODE[text[at]!]!;
  if (value === 255) throw new TypeError(`not base64: character ${at} is not in the base64 alphabet`);
  return value;
}
const ENCODE_TEXT = new TextEncoder();

/** Base64 of the text's UTF-8 bytes. */
export function utf8ToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}

/** `count` random bytes as lowercase hex (ids, not secrets). */
export function randomHex(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A random UUID (v4). */
export function randomId(): string {
  return crypto.randomUUID();
}

/** SHA-256 of the text's UTF-8 bytes, as lowercase hex; synchronous, for ids that must be stable. */
export function sha256Hex(text: string): string {
  const hash = new Sha256();
  hash.update(text);
  let hex = '';
  for (const byte of hash.digestSync()) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The one way the library reads its environment: the runtime's process environment where it has one
 * (Node, Bun, Deno), `{}` where it has none (Workers, browsers: pass their `env` as the `env` option
 * instead). Under Deno without `--allow-env` a read throws; there each variable reads as unset, so the
 * library runs with `--allow-net` alone and options supply what the environment would have.
 *
 * @example
 * const env = options.env ?? processEnv();
 */
export function processEnv(): Record<string, string | undefined> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (env === undefined) return {};
  if (!('Deno' in globalThis)) return env;
  denoEnv ??= readableWithoutPermission(env);
  return denoEnv;
}

let denoEnv: Record<string, string | undefined> | undefined;

function readableWithoutPermission(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  // Over an empty target: Deno's env is itself a proxy whose every trap checks the permission, and a
  // proxy over it would call those traps again to check its own invariants.
  return new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      try {
        return typeof name === 'string' ? env[name] : undefined;
      } catch {
        return undefined; // NotCapable: no permission to read it, so it is not set for us
      }
    },
  });
}

/** What a warning is: its type (`DeprecationWarning`, `UnderstudyWarning`) and an optional stable code. */
export interface WarningKind {
  type: string;
  code?: string;
}

/**
 * A warning to the operator: Node's process warning where there is one (so `--no-warnings` and
 * `process.on('warning')` work as usual), the console elsewhere.
 */
export function warn(message: string, kind: WarningKind): void {
  type Emit = (message: string, options: WarningKind) => void;
  const runtime = (globalThis as { process?: { emitWarning?: Emit } }).process;
  if (typeof runtime?.emitWarning === 'function') runtime.emitWarning(message, kind);
  else console.warn(`${kind.type}${kind.code ? ` [${kind.code}]` : ''}: ${message}`);
}
