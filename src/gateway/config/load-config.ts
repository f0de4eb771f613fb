/**
 * Reads the config file: YAML parsed with positions kept, validated with zod, and every problem
 * reported as `file:line: key.path: what is wrong`, so the fix is one look away.
 *
 * @example
 * const config = await loadConfigFile('understudy.yaml');
 * // ConfigError: understudy.yaml:7: routes.smart.retries: Too big: expected number to be <=10
 */
import { readFile } from 'node:fs/promises';
import { isCollection, isNode, LineCounter, parseDocument } from 'yaml';
import { fieldPath } from '../errors/zod-issue.ts';
import { type GatewayConfig, gatewayConfigSchema } from './schema.ts';

/** A config that does not parse or validate; the message names the file, line and key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export async function loadConfigFile(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${path}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseConfigText(text, path);
}

/** Parses and validates config text; `source` names it in messages. */
export function parseConfigText(text: string, source = 'config'): GatewayConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new ConfigError(`${source}:${line}: ${error.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS() ?? {};
  const result = gatewayConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const messages = result.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path as Array<string | number>;
    const line = lineOf(doc, lineCounter, path);
    return `${source}:${line}: ${fieldPath(path) || '(top level)'}: ${issue.message}`;
  });
  throw new ConfigError(messages.join('\n'));
}

/** The line of the deepest node that exists along `path` (a missing key points at its parent). */
function lineOf(
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: Array<string | number>,
): number {
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range) {
      // For a collection, point at its key (the line above its first entry) when we can.
      const offset =
        isCollection(node) && length > 0
          ? (keyOffset(doc, path.slice(0, length)) ?? node.range[0])
          : node.range[0];
      return lineCounter.linePos(offset).line;
    }
  }
  return 1;
}

function keyOffset(doc: ReturnType<typeof parseDocument>, path: Array<string | number>): number | undefined {
  const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isCollection(parent)) return undefined;
  for (const item of parent.items as unknown[]) {
    const pair = item as { key?: unknown };
    if (isNode(pair.key) && (pair.key as { value?: unknown }).value === path.at(-1))
      return pair.key.range?.[0];
  }
  return undefined;
}
