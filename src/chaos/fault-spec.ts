/**
 * The one fault language of the chaos upstreams. The `x-chaos` request header, the scenario file and the
 * probabilistic mixes all hand strings such as `status:429;retry-after=2` or
 * `slow-first-token:300+tokens-per-second:40` to `parseFaultSpec`, so a fault means the same thing
 * wherever it is written.
 *
 * Grammar: `fault ('+' fault)*`, `fault = name [':' number] (';' option ['=' value])*`. At most one of the
 * faults in a `+` chain may end the request (a status, a reset, a cut...); the pacing faults
 * (`slow-first-token`, `tokens-per-second`) combine with it.
 */

/** What a request does instead of (or on the way to) a normal answer. */
export type Fault =
  | {
      kind: 'status';
      status: number;
      /** Which 400 body to send: a generic bad request, the context window one, or the content policy one. */
      variant: 'default' | 'context-length' | 'content-policy';
      retryAfterSeconds: number | undefined;
      retryAfterMs: number | undefined;
    }
  | { kind: 'refuse' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'stall-after'; tokens: number }
  | { kind: 'cut-after'; tokens: number; clean: boolean }
  | { kind: 'error-frame'; tokens: number }
  | { kind: 'malformed' }
  | { kind: 'empty' }
  | { kind: 'content-filter'; tokens: number };

/**
 * A parsed fault spec: the pacing it asks for and the fault that ends the request, if any. `label` is the
 * spec's canonical text, used as the key of `stats.faults`.
 */
export interface FaultPlan {
  label: string;
  firstTokenMs: number | undefined;
  tokensPerSecond: number | undefined;
  fault: Fault | undefined;
}

/** A fault spec that does not parse; the message names the valid faults. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

/** Every fault name with its syntax, for error messages, `--help` and docs. */
export const FAULT_SYNTAX: readonly string[] = [
  'status:<400-599>[;retry-after=<s>][;retry-after-ms=<ms>][;context-length][;content-policy]',
  'refuse',
  'reset',
  'hang',
  'slow-first-token:<ms>',
  'tokens-per-second:<n>',
  'stall-after:<tokens>',
  'cut-after:<tokens>[;clean]',
  'error-frame:<tokens>',
  'malformed',
  'empty',
  'content-filter[:<tokens>]',
  'none',
];

const VALID = `valid faults: ${FAULT_SYNTAX.join(', ')}; combine pacing with '+', e.g. slow-first-token:200+cut-after:3`;

// Header values repeat (a test sends the same spec many times); parse each distinct text once.
const cache = new Map<string, FaultPlan>();
const CACHE_LIMIT = 1000;

/**
 * Parses a fault spec. Throws `FaultSpecError` naming the valid faults when the text is not one.
 *
 * @example
 * parseFaultSpec('status:429;retry-after=2').fault // { kind: 'status', status: 429, retryAfterSeconds: 2, ... }
 * parseFaultSpec('slow-first-token:500+stall-after:3').firstTokenMs // 500
 */
export function parseFaultSpec(spec: string): FaultPlan {
  const cached = cache.get(spec);
  if (cached) return cached;
  const plan: FaultPlan = {
    label: '',
    firstTokenMs: undefined,
    tokensPerSecond: undefined,
    fault: undefined,
  };
  const labels: string[] = [];
  for (const rawPart of spec.split('+')) {
    const part = rawPart.trim();
    if (part === '') throw new FaultSpecError(`empty fault in '${spec}'; ${VALID}`);
    const [head, ...options] = part.split(';').map((piece) => piece.trim());
    const colon = head!.indexOf(':');
    const name = colon === -1 ? head! : head!.slice(0, colon);
    const arg = colon === -1 ? undefined : head!.slice(colon + 1);
    labels.push(part);
    applyPart(plan, spec, name, arg, options);
  }
  plan.label = labels.join('+');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(spec, plan);
  return plan;
}

function applyPart(plan: FaultPlan, spec: string, name: string, arg: string | undefined, options: string[]) {
  const setFault = (fault: Fault) => {
    if (plan.fault) throw new FaultSpecError(`'${spec}' names two ending faults; only one may end a request`);
    plan.fault = fault;
  };
  const allowOptions = (...allowed: string[]) => {
    for (const option of options) {
      const key = option.split('=')[0]!;
      if (!allowed.includes(key))
        throw new FaultSpecError(`unknown option '${option}' for '${name}' in '${spec}'`);
    }
  };
  switch (name) {
    case 'none':
    case 'ok':
      allowOptions();
      noArg(spec, name, arg);
      return;
    case 'status': {
      allowOptions('retry-after', 'retry-after-ms', 'context-length', 'content-policy');
      const status = integer(spec, name, arg);
      if (status < 400 || status > 599) throw new FaultSpecError(`status must be 400-599 in '${spec}'`);
      const optionValue = (key: string) => {
        const found = options.find((option) => option.startsWith(`${key}=`));
        return found === undefined ? undefined : number(spec, key, found.slice(key.length + 1));
      };
      const has = (key: string) => options.includes(key);
      setFault({
        kind: 'status',
        status,
        variant: has('context-length')
          ? 'context-length'
          : has('content-policy')
            ? 'content-policy'
            : 'default',
        retryAfterSeconds: optionValue('retry-after'),
        retryAfterMs: optionValue('retry-after-ms'),
      });
      return;
    }
    case 'refuse':
    case 'reset':
    case 'hang':
    case 'malformed':
    case 'empty':
      allowOptions();
      noArg(spec, name, arg);
      setFault({ kind: name });
      return;
    case 'slow-first-token':
      allowOptions();
      plan.firstTokenMs = number(spec, name, arg);
      return;
    case 'tokens-per-second': {
      allowOptions();
      const rate = number(spec, name, arg);
      if (rate <= 0) throw new FaultSpecError(`tokens-per-second must be above 0 in '${spec}'`);
      plan.tokensPerSecond = rate;
      return;
    }
    case 'stall-after':
      allowOptions();
      setFault({ kind: 'stall-after', tokens: integer(spec, name, arg) });
      return;
    case 'cut-after':
      allowOptions('clean');
      setFault({ kind: 'cut-after', tokens: integer(spec, name, arg), clean: options.includes('clean') });
      return;
    case 'error-frame':
      allowOptions();
      setFault({ kind: 'error-frame', tokens: integer(spec, name, arg) });
      return;
    case 'content-filter':
      allowOptions();
      setFault({ kind: 'content-filter', tokens: arg === undefined ? 0 : integer(spec, name, arg) });
      return;
    default:
      throw new FaultSpecError(`unknown fault '${name}' in '${spec}'; ${VALID}`);
  }
}

function noArg(spec: string, name: string, arg: string | undefined) {
  if (arg !== undefined) throw new FaultSpecError(`'${name}' takes no ':' argument in '${spec}'`);
}

function number(spec: string, name: string, text: string | undefined): number {
  const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new FaultSpecError(`'${name}' needs a non-negative number in '${spec}'`);
  }
  return value;
}

function integer(spec: string, name: string, text: string | undefined): number {
  const value = number(spec, name, text);
  if (!Number.isInteger(value)) throw new FaultSpecError(`'${name}' needs a whole number in '${spec}'`);
  return value;
}
