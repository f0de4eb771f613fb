/**
 * Writes dist/package.json, the built twin of src/package.json: the same `#transport` conditions over the
 * compiled `.js` files, with the fetch transport's declarations as its `types` (both transports declare
 * the same functions). A nested package.json is what lets the seam resolve in both places without a flag:
 * Node, Bun, Deno, TypeScript and bundlers all read `imports` from the nearest package.json.
 *
 * Run: node scripts/write-dist-package.ts [outDir]   (`npm run build` runs it; outDir defaults to dist)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outDir = process.argv[2] ?? join(root, 'dist');
const source = JSON.parse(readFileSync(join(root, 'src', 'package.json'), 'utf8')) as {
  type: string;
  imports: Record<string, Record<string, string>>;
};

const imports: Record<string, Record<string, string>> = {};
for (const [specifier, targets] of Object.entries(source.imports)) {
  const built: Record<string, string> = {};
  const fallback = targets.default;
  if (fallback !== undefined) built.types = fallback.replace(/\.ts$/, '.d.ts');
  for (const [condition, target] of Object.entries(targets))
    built[condition] = target.replace(/\.ts$/, '.js');
  imports[specifier] = built;
}
writeFileSync(
  join(outDir, 'package.json'),
  `${JSON.stringify({ description: 'Built from src/package.json by scripts/write-dist-package.ts.', type: source.type, imports }, null, 2)}\n`,
);
