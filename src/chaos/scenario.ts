/**
 * A chaos scenario: what the emulator answers and how it misbehaves — one fault for every request, a
 * probabilistic mix, per-model overrides, and outages scheduled in seconds since the server started.
 * Scenarios come from YAML files or plain objects and are checked with zod here, once, so the request
 * path only ever sees validated data.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FaultSpecError, parseFaultSpec } from './fault-spec.ts';

/** How the emulator words a text answer: an echo of the last user message, or N tokens of filler. */
export type AnswerMode = { kind: 'echo' } | { kind: 'filler'; tokens: number };

const faultSpec = z.string().superRefine((spec, ctx) => {
  try {
    parseFaultSpec(spec);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: error instanceof FaultSpecError ? error.message : String(error),
    });
  }
});

const mixRule = z.strictObject({
  mix: z
    .array(z.strictObject({ fault: faultSpec, weight: z.number().min(0).max(1) }))
    .min(1)
    .refine((entries) => entries.reduce((sum, entry) => sum + entry.weight, 0) <= 1 + 1e-9, {
      message: 'mix weights are probabilities and must add up to at most 1 (the rest is no fault)',
    }),
  seed: z.number().int().optional(),
});

const faultRule = z.union([faultSpec, mixRule]);

const latency = z.strictObject({
  firstTokenMs: z.number().min(0).optional(),
  tokensPerSecond: z.number().positive().optional(),
});

const answerText = z.string().transform((text, ctx): AnswerMode => {
  if (text === 'echo') return { kind: 'echo' };
  const match = /^filler:(\d+)$/.exec(text);
  if (match) return { kind: 'filler', tokens: Number(match[1]) };
  ctx.addIssue({ code: 'custom', message: `answer must be 'echo' or 'filler:<tokens>', got '${text}'` });
  return z.NEVER;
});

// The parsed form is accepted too, so an already-validated scenario validates again unchanged.
const answerMode = z.union(
  [
    answerText,
    z.strictObject({ kind: z.literal('echo') }),
    z.strictObject({ kind: z.literal('filler'), tokens: z.number().int().min(0) }),
  ],
  { error: "answer must be 'echo' or 'filler:<tokens>' (e.g. filler:200)" },
);

const modelOverride = z.strictObject({
  fault: faultRule.optional(),
  latency: latency.optional(),
  answer: answerMode.optional(),
});

const outage = z
  .strictObject({
    from: z.number().min(0),
    to: z.number().min(0),
    fault: faultSpec,
    model: z.string().optional(),
  })
  .refine((entry) => entry.to > entry.from, { message: "an outage needs 'to' after 'from' (seconds)" });

/** The zod schema of a scenario file; `parseScenario` is the usual entry point. */
export const scenarioSchema = z.strictObject({
  answer: answerMode.default({ kind: 'echo' }),
  /**
   * When tools are offered and no result has come back: call the first (or the one `tool_choice` names),
   * every one once, or — scripted, for an agent under test — the named tool with these arguments.
   */
  toolCalls: z
    .union([
      z.enum(['first', 'all']),
      z.strictObject({ name: z.string().min(1), args: z.record(z.string(), z.unknown()) }),
    ])
    .default('first'),
  latency: latency.default({}),
  fault: faultRule.optional(),
  models: z.record(z.string(), modelOverride).default({}),
  /**
   * Faults by the API key a request carries (its bearer token, `x-api-key`, `x-goog-api-key` or
   * `api-key`), before any model's: one key of a pool rate-limited or refused while the others answer.
   */
  keys: z.record(z.string().min(1), z.strictObject({ fault: faultRule })).default({}),
  schedule: z.array(outage).default([]),
});

/** A validated scenario (defaults filled in). */
export type Scenario = z.output<typeof scenarioSchema>;
/** What a scenario file or object may hold before validation. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A fault for every request, or a seeded probabilistic mix. */
export type FaultRule = z.output<typeof faultRule>;
/** A model's own fault, latency or answer, overriding the server's. */
export type ModelOverride = z.output<typeof modelOverride>;
/** A time window (seconds since the server started) during which a fault applies. */
export type Outage = z.output<typeof outage>;

/** A scenario that failed validation; the message lists each problem with its path. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/**
 * Validates a scenario object (or undefined for the well-behaved default).
 *
 * @example
 * const scenario = parseScenario({ fault: { mix: [{ fault: 'status:503', weight: 0.3 }], seed: 42 } });
 */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input ?? {});
  if (!result.success) throw new ScenarioError(`invalid ${source}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * Parses and validates scenario YAML text.
 *
 * @example
 * parseScenarioYaml('fault: status:503\nmodels:\n  gpt-4o: { fault: none }\n');
 */
export function parseScenarioYaml(text: string, source = 'scenario'): Scenario {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ScenarioError(`invalid ${source}: not YAML: ${(error as Error).message}`);
  }
  return parseScenario(data, source);
}

/**
 * Reads a scenario YAML file.
 *
 * @example
 * const scenario = await loadScenarioFile('examples/chaos/flaky.yaml');
 */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  return parseScenarioYaml(await readFile(path, 'utf8'), path);
}
