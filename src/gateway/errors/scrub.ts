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

/** A header value safe to send: no CR/LF (response splitting) and no other control characters. */
export function safeHeaderValue(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
