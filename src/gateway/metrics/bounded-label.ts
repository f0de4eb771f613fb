/**
 * Keeps a label's set of values bounded. Model ids and route names come from requests (a client may name
 * any `provider:model`), and every distinct label value is a new time series in Prometheus and a new row
 * on the status page; past a cap, new values are counted under `other` instead of growing without end.
 */

/** The value that stands for every value past the cap. */
export const OTHER_LABEL = 'other';

/**
 * The first `max` distinct values pass through (trimmed to `maxLength` characters); later new ones become
 * `other`.
 *
 * @example
 * const models = new BoundedLabel(2);
 * models.of('openai:gpt-4o'); // 'openai:gpt-4o'
 * models.of('a:b'); models.of('c:d'); // 'other'
 */
export class BoundedLabel {
  readonly #seen = new Set<string>();
  readonly #max: number;
  readonly #maxLength: number;

  constructor(max: number, maxLength = 120) {
    this.#max = max;
    this.#maxLength = maxLength;
  }

  of(raw: string): string {
    const value = raw.length > this.#maxLength ? raw.slice(0, this.#maxLength) : raw;
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.#max) return OTHER_LABEL;
    this.#seen.add(value);
    return value;
  }
}
