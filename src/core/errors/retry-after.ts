/**
 * How long a provider asked us to wait, in milliseconds, read from the headers it sends:
 * `retry-after-ms` (OpenAI), `retry-after` (seconds or an HTTP date), then the rate-limit reset headers
 * (`anthropic-ratelimit-*-reset` as an RFC 3339 time, OpenAI's `x-ratelimit-reset-*` as `6m0s`). When
 * several reset headers are present the longest wins, since every limit must have reset.
 * Returns undefined when no header says.
 */
export function retryAfterMs(headers: Record<string, string>, now: number = Date.now()): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined) {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers['retry-after'];
  if (after !== undefined) {
    const seconds = Number(after);
    if (after.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  let longest: number | undefined;
  for (const [name, value] of Object.entries(headers)) {
    let wait: number | undefined;
    if (name.startsWith('anthropic-ratelimit-') && name.endsWith('-reset')) {
      const date = Date.parse(value);
      if (!Number.isNaN(date)) wait = Math.max(0, date - now);
    } else if (name.startsWith('x-ratelimit-reset')) {
      wait = parseGoDuration(value);
    }
    if (wait !== undefined && (longest === undefined || wait > longest)) longest = wait;
  }
  return longest;
}

/**
 * The wait a Google error body asks for when no header says: a `google.rpc.RetryInfo` detail such as
 * `{"error": {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12s"}]}}`
 * (Gemini's 429 RESOURCE_EXHAUSTED; its OpenAI-compatible endpoint wraps the body in an array).
 *
 * @example
 * retryDelayInBody({ error: { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }] } }); // 12000
 */
export function retryDelayInBody(body: unknown): number | undefined {
  const root = Array.isArray(body) ? body[0] : body;
  const details = (root as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    if (typeof delay === 'string') return parseGoDuration(delay);
  }
  return undefined;
}

const DURATION_UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Parses durations such as `1s`, `6m0s`, `20ms`, `1h2m3.5s` (OpenAI's format); a bare number is seconds. */
export function parseGoDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const bare = Number(trimmed);
  if (Number.isFinite(bare)) return bare * 1000;
  const pattern = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(trimmed); match; match = pattern.exec(trimmed)) {
    total += Number(match[1]) * DURATION_UNIT_MS[match[2]!]!;
    consumed = pattern.lastIndex;
  }
  return consumed === trimmed.length ? total : undefined;
}
