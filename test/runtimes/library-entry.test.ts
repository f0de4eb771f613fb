/**
 * What `import 'understudy'` costs a library user, measured on the packed package: the gateway's own
 * dependencies (Redis, Prometheus, YAML config) are never loaded, neither by Node nor into a browser or
 * Worker bundle, and undici only on Node. The sizes are printed for the README's table.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { beforeAll, expect, test } from 'vitest';
import { bundle } from './bundle.ts';
import { NODE, type PackedApp, packedApp } from './packed-app.ts';

const run = promisify(execFile);
const GATEWAY_ONLY = ['ioredis', 'prom-client', 'yaml'];
let app: PackedApp;

beforeAll(async () => {
  app = await packedApp();
}, 300_000);

const packageOf = (url: string) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url.slice(url.lastIndexOf('node_modules/')))?.[1];

test('on Node, the entry loads undici (the fast path) and none of the gateway-only packages', async () => {
  const { stdout } = await run(NODE, ['loaded-modules.js'], { cwd: app.dir });
  const packages = new Set(
    (JSON.parse(stdout) as string[]).map(packageOf).filter((name) => name !== undefined),
  );
  expect(packages).toContain('understudy');
  expect(packages).toContain('undici');
  for (const name of GATEWAY_ONLY) expect(packages).not.toContain(name);
});

test.each(['browser', 'workerd'] as const)(
  'the %s bundle of the entry holds no Node-only package',
  { timeout: 60_000 },
  async (target) => {
    const built = await bundle(join(app.dir, 'entry.js'), target);
    expect(built.packages).toContain('zod');
    for (const name of [...GATEWAY_ONLY, 'undici', '@smithy/hash-node'])
      expect(built.packages).not.toContain(name);
    const bytes = new TextEncoder().encode(built.code);
    console.log(
      `${target} bundle of 'understudy': ${bytes.length} bytes minified, ${gzipSync(bytes).length} gzipped; packages: ${built.packages.join(', ')}`,
    );
  },
);
