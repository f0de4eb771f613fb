import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

// The layers point down: core (models/model.ts) ← adapters ← fallback ← providers (the registry) ← the
// rest. These guard the fallback layer's two edges that used to point both ways.
const src = resolve(import.meta.dirname, '../../src');

/** Every relative import of the source files under `folder`, as paths relative to src/. */
function importsUnder(folder: string): Array<{ file: string; target: string }> {
  const found: Array<{ file: string; target: string }> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
          found.push({ file: relative(src, path), target: relative(src, resolve(dirname(path), match[1]!)) });
        }
      }
    }
  };
  walk(join(src, folder));
  return found;
}

test('the fallback layer reaches no layer above it', () => {
  const upward = importsUnder('fallback').filter(({ target }) =>
    /^(providers|gateway|cli|agent|interop|chaos)\//.test(target),
  );
  expect(upward).toEqual([]);
});

test('models, wrappers and adapters do not reach up into the fallback layer', () => {
  expect(importsUnder('models').filter(({ target }) => target.startsWith('fallback/'))).toEqual([]);
});
