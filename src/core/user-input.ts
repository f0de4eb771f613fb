/**
 * Checks for values a user writes by hand (a FunctionModel's answer, a tool's settings, an AI SDK mock):
 * each either returns the value in its normalized form or throws a `UserError` that names the field,
 * says what was expected and shows what came instead, so a typo fails where it was made and not three
 * layers later as `Cannot read properties of undefined`.
 *
 * @example
 * const tokens = wholeNumber(answer.inputTokens, 'inputTokens', 'FunctionModel f usage'); // 0 when absent
 */
import { UserError } from './errors/index.ts';

/** A short, safe rendering of a bad value for an error message: its JSON (cut) and its type. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'number' || typeof value === 'bigint') return `${String(value)} (a ${typeof value})`;
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  const shown = json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
  return `${shown} (${Array.isArray(value) ? 'an array' : `a ${typeof value}`})`;
}

/** A plain object (not null, not an array), which is what every structured input must be. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a whole number ≥ 0; 0 when absent (undefined or null). */
export function wholeNumber(value: unknown, field: string, where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new UserError(
    `${where}: ${field} must be a whole number, 0 or more; got ${describeValue(value)}. Leave it out to count 0.`,
  );
}

/** `value` when it is a finite number ≥ 0; undefined when absent. */
export function optionalAmount(value: unknown, field: string, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new UserError(`${where}: ${field} must be a finite number, 0 or more; got ${describeValue(value)}.`);
}

/** `value` when it is a string; undefined when absent. */
export function optionalString(value: unknown, field: string, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw new UserError(`${where}: ${field} must be a string; got ${describeValue(value)}.`);
}
