/**
 * How a pooled API key is named wherever a key must be told apart — the attempt trace, response headers,
 * metrics labels, logs, a key taken out for failing auth — without the key itself: a 53-bit hash
 * (cyrb53) of it, in hex. Not a secret-grade hash (a key has far too much entropy to be guessed back from
 * 53 bits), but stable across processes and machines, so every gateway names a key the same way, and
 * synchronous, so a provider can be built without awaiting Web Crypto.
 *
 * @example
 * keyFingerprint('sk-live-…'); // 'key-1f0c9a8e4b72d'
 */

/** `key-` and 13 hex digits: the same key always gives the same fingerprint. */
export function keyFingerprint(key: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return `key-${hash.toString(16).padStart(14, '0')}`;
}
