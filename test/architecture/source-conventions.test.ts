/**
 * Conventions of the source tree that no compiler checks. Tests live under test/, in the folder of the
 * layer they test (mirroring src/), never beside the code. Types come from `import type` lines, not inline
 * `import('...')` expressions a reader has to resolve by hand (the gateway's request path once had them).
 * Layering and import cycles are checked by dependency-cruiser in `npm run lint` (.dependency-cruiser.cjs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const srcRoot = fileURLToPath(new URL('../../src/', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

test('every test lives under test/, none beside the code in src/', () => {
  expect(
    tsFiles(srcRoot)
      .filter((path) => path.endsWith('.test.ts'))
      .map((path) => relative(srcRoot, path)),
  ).toEqual([]);
});

test('no source file writes an inline import() type', () => {
  const files = tsFiles(srcRoot);
  expect(files.length).toBeGreaterThan(200);
  const inline = files
    .filter((path) => /\bimport\('[^']+'\)\.[A-Za-z]/.test(readFileSync(path, 'utf8')))
    .map((path) => relative(srcRoot, path));
  expect(inline).toEqual([]);
});

// The library runs where `Buffer` and `process` do not exist (Workers, browsers): core/portable.ts is the one
// place that reaches for the runtime, and transport/node-client.ts and undici-client.ts are the transport seam's
// Node side (src/package.json's #transport loads them under the `node` condition only). Comments may name them.
const LIBRARY = /^(core|transport|adapters|testing|fallback|wrappers|registry|agent|interop)\//;
const ALLOWED = new Set(['core/portable.ts', 'transport/node-client.ts', 'transport/undici-client.ts']);

test('library code uses no Buffer or process global', () => {
  const offenders = tsFiles(srcRoot)
    .map((path) => relative(srcRoot, path))
    .filter((file) => LIBRARY.test(file) && !ALLOWED.has(file))
    .flatMap((file) =>
      readFileSync(join(srcRoot, file), 'utf8')
        .split('\n')
        .map((line, index) => ({ line: line.trim(), at: `${file}:${index + 1}` }))
        .filter(
          ({ line }) =>
            !line.startsWith('*') && !line.startsWith('/') && /\b(Buffer|process)\s*\./.test(line),
        )
        .map(({ at }) => at),
    );
  expect(offenders).toEqual([]);
});
