/**
 * Option values arrive as text; these turn them into what the command needs, or throw a `UsageError`
 * that names the option, what it takes and what was typed. `Number()` alone is not enough: it reads
 * '' and ' ' as 0 and '1e3' as 1000, which no one means by a port or a count.
 */
import { UsageError } from './usage-error.ts';

/** A whole number within [min, max]; `flag` is the option as typed in errors, e.g. `--port`. */
export function wholeNumber(text: string, flag: string, range: { min: number; max?: number }): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= range.min && (range.max === undefined || value <= range.max))
    return value;
  const bounds = range.max === undefined ? `of ${range.min} or more` : `from ${range.min} to ${range.max}`;
  throw new UsageError(`${flag} takes a whole number ${bounds}, got '${text}'`);
}

/** A port to listen on: 0 asks the system for any free one. */
export function portNumber(text: string, flag = '--port'): number {
  return wholeNumber(text, flag, { min: 0, max: 65_535 });
}

/** A number above 0, fractions allowed (a timeout in ms, a token budget). */
export function positiveNumber(text: string, flag: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (value > 0) return value;
  throw new UsageError(`${flag} takes a number above 0, got '${text}'`);
}
