/**
 * Upstream error messages are passed on to clients only after anything that looks like a credential is
 * masked: providers echo keys back ("Incorrect API key provided: sk-proj-abc...") and a gateway must not
 * hand its upstream key to whoever sent a bad request.
 *
 * @example
 * scrubSecrets('Incorrect API key provided: sk-proj-AbC123xyz456. See ...') // 'Incorrect API key provided: [redacted]. See ...'
 */

// Known key shapes first, then any long token of key-like characters (a key of an unknown provider).
const SECRET_PATTERNS: RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{6,}/g,
  /\bsk-ant-[A-Za-z0-9_-]{6,}/g,
  /\bAIza[0-9A-Za-z_-]{10,}/g,
  /\b(?:gsk|xai|hf|ghp|gho|github_pat)_[A-Za-z0-9_]{8,}/g,
  /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /\b[A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]{24,}\b/g,
];

// The gateway's own upstream keys, masked by value whatever their shape (a key of an unusual form that an
// upstream echoes back would slip past the patterns).
const knownSecrets = new Set<string>();

/** Masks these exact values from now on, in this process: the gateway registers its upstream keys. */
export function maskSecretValues(values: Iterable<string | undefined>): void {
  for (const value of values) if (value && value.length >= 8) knownSecrets.add(value);
}

/** Masks credentials in text that goes to a client or a log. */
export function scrubSecrets(text: string): string {
  let result = text;
  for (const secret of knownSecrets)
    if (result.includes(secret)) result = result.replaceAll(secret, '[redacted]');
  for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, '[redacted]');
  return result;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_RUN = /[\u0000-\u001f\u007f]+/g;
const NON_ASCII_RUN = /[\u0080-\uffff]+/g;
const NOT_PRINTABLE_ASCII = /[^\u0020-\u007e]/;

/**
 * A header value safe to send: no CR/LF (response splitting) and no other control characters, and
 * anything beyond ASCII percent-encoded as UTF-8 (`gpt-ø` → `gpt-%C3%B8`). Node throws on a header
 * character past U+00FF and sends U+0080..U+00FF as single Latin-1 bytes, so a model name a client may
 * write in any script would otherwise fail the response after the upstream call was made and paid for.
 */
export function safeHeaderValue(value: string): string {
  if (!NOT_PRINTABLE_ASCII.test(value)) return value;
  return value.replace(CONTROL_RUN, ' ').replace(NON_ASCII_RUN, (run) => {
    // Buffer.from writes a lone surrogate as U+FFFD, where encodeURIComponent would throw.
    let encoded = '';
    for (const byte of Buffer.from(run, 'utf8'))
      encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    return encoded;
  });
}
