/**
 * The config's platform sections — where the request ledger lives, what it keeps, and the budgets —
 * kept beside the main schema so they read as one piece.
 *
 * @example
 * database: postgres://understudy@db.internal/understudy   # or a SQLite file: ./understudy.db
 * ledger: { bodies: true, redact: ['\\b\\d{16}\\b'] }
 * budgets:
 *   keys: { app: [50/month, 5/day] }
 *   routes: { smart: 200/month }
 */
import { z } from 'zod';
import { BUDGET_HINT, type Budget, parseBudget } from '../budgets/budget.ts';
import { safeName } from './safe-name.ts';

const budget = z.string().transform((text, context): Budget => {
  const parsed = parseBudget(text);
  if (parsed) return parsed;
  context.addIssue({ code: 'custom', message: `'${text}' is not a budget: ${BUDGET_HINT}` });
  return z.NEVER;
});
const budgets = z.union([budget.transform((one) => [one]), z.array(budget).min(1)]);

export const platformSections = {
  /**
   * The request ledger's database: a `postgres://` URL (every gateway process shares it), or a SQLite
   * file path. Absent: SQLite in memory, kept only while the process runs.
   */
  database: z
    .string()
    .min(1)
    .refine((text) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^postgres(ql)?:\/\//i.test(text), {
      message: 'must be a postgres:// URL or a SQLite file path',
    })
    .optional(),
  ledger: z
    .strictObject({
      /** Store request bodies, with keys and the `redact` patterns masked. Default false. */
      bodies: z.boolean().optional(),
      /** Regular expressions whose matches are masked in stored bodies. */
      redact: z
        .array(
          z.string().refine((source) => {
            try {
              new RegExp(source, 'g');
              return true;
            } catch {
              return false;
            }
          }, 'must be a regular expression'),
        )
        .optional(),
      /** How often queued records are written (ms); killing a gateway loses at most this much. Default 1000. */
      flushIntervalMs: z.number().int().min(50).max(60_000).optional(),
      /** Records held while the database cannot take them. Default 10000. */
      maxQueue: z.number().int().positive().optional(),
    })
    .optional(),
  budgets: z
    .strictObject({
      /** By client name (the config's `clients`). */
      keys: z.record(safeName, budgets).optional(),
      /** By route name. */
      routes: z.record(safeName, budgets).optional(),
    })
    .optional(),
};
