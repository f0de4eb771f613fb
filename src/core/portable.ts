/**
 * What the library needs from its runtime, written once with web APIs every runtime has (Node, Bun, Deno,
 * Workers, browsers): base64, random ids, a SHA-256, the environment and warnings. The library's other
 * layers use these instead of `Buffer`, `node:crypto` or `process`, so that nothing Node-only is loaded by
 * `import 'understudy'` (the gateway, chaos and CLI stay Node programs).
 */
import { Sha256 } from '@aws-crypto/sha256-js';

// btoa/atob take "binary strings"; building one character per byte in slices keeps the argument list of
// String.fromCharCode under engines' limits for large images.
const SLICE = 0x8000;

/** Standard base64 (with padding) of the bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += SLICE) {
    binary += String.fromCharCode(...bytes.subarray(at, at + SLICE));
  }
  return btoa(binary);
}

/** The bytes of standard base64; throws a `DOMException` (`InvalidCharacterError`) on anything else. */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

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

/** The runtime's process environment where it has one (Node, Bun, Deno with --allow-env); `{}` elsewhere. */
export function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
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
