/**
 * The gateway's source keeps the shape its request path was refactored into: no two files import each
 * other (even for types only: a cycle means the concept sits in neither file, as the OpenAI request schema
 * once did between request.ts and plain-request.ts), and types come from `import type` lines rather than
 * inline `import('...')` expressions the reader has to resolve by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const gatewayRoot = fileURLToPath(new URL('../../src/gateway/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const files = new Map(sourceFiles(gatewayRoot).map((path) => [path, readFileSync(path, 'utf8')]));

/** Relative imports of one file inside the gateway, static and type-only alike, as absolute paths. */
function importsOf(path: string, text: string): string[] {
  const specifiers = [...text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+\.ts)'/g)].map((match) => match[1]!);
  return specifiers
    .map((specifier) => resolve(dirname(path), specifier))
    .filter((target) => files.has(target));
}

/** Every cycle reachable by a depth-first walk, each written as `a.ts -> b.ts -> a.ts`. */
function importCycles(): string[] {
  const edges = new Map([...files].map(([path, text]) => [path, importsOf(path, text)]));
  const finished = new Set<string>();
  const onPath: string[] = [];
  const cycles: string[] = [];
  const visit = (path: string): void => {
    onPath.push(path);
    for (const target of edges.get(path) ?? []) {
      const at = onPath.indexOf(target);
      if (at !== -1)
        cycles.push([...onPath.slice(at), target].map((p) => relative(gatewayRoot, p)).join(' -> '));
      else if (!finished.has(target)) visit(target);
    }
    onPath.pop();
    finished.add(path);
  };
  for (const path of files.keys()) if (!finished.has(path)) visit(path);
  return cycles;
}

describe('the gateway source', () => {
  test('has files to check (the walk found the source)', () => {
    expect(files.size).toBeGreaterThan(50);
    expect(
      importsOf(join(gatewayRoot, 'server/handler.ts'), files.get(join(gatewayRoot, 'server/handler.ts'))!),
    ).toContain(join(gatewayRoot, 'routing/run-chat.ts'));
  });

  test('has no import cycles', () => {
    expect(importCycles()).toEqual([]);
  });

  test('writes no inline import() types', () => {
    const inline = [...files]
      .filter(([, text]) => /\bimport\('[^']+'\)\.[A-Za-z]/.test(text))
      .map(([path]) => relative(gatewayRoot, path));
    expect(inline).toEqual([]);
  });
});
