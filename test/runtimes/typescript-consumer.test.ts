/**
 * The packed package works for a TypeScript user: `tsc` in the fresh app type-checks a first file that
 * uses FallbackModel, an Agent with a zod output and `toAISDK`, under `moduleResolution` node16 (Node's
 * own rules) and bundler (Vite, esbuild, Next.js), and catches a mistyped use, so the published
 * declarations are real types rather than `any`.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { NODE, type PackedApp, packedApp, ROOT } from './packed-app.ts';

const run = promisify(execFile);
let app: PackedApp;

beforeAll(async () => {
  app = await packedApp();
}, 300_000);

/** Runs the project's tsc over `file` in the app under `resolution`; resolves with its output and code. */
async function typeCheck(file: string, resolution: 'node16' | 'bundler') {
  const config = join(app.dir, `tsconfig.${resolution}.${file}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: resolution === 'node16' ? 'node16' : 'esnext',
        moduleResolution: resolution,
        strict: true,
        noEmit: true,
        // As `tsc --init` writes it: what the user's code reaches of the declarations is checked, the rest
        // of them is not (@ai-sdk/provider's own would need @types/json-schema).
        skipLibCheck: true,
        types: [],
        lib: ['es2022', 'dom'],
      },
      files: [file],
    }),
  );
  return run(NODE, [join(ROOT, 'node_modules', '.bin', 'tsc'), '-p', config], { cwd: app.dir }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? '' }),
  );
}

describe.each(['node16', 'bundler'] as const)('moduleResolution %s', (resolution) => {
  test('the first file of a TypeScript user type-checks', { timeout: 120_000 }, async () => {
    expect(await typeCheck('consumer.ts', resolution)).toEqual({ code: 0, output: '' });
  });

  test('a mistyped use of the output is caught', { timeout: 120_000 }, async () => {
    const { code, output } = await typeCheck('consumer-mistyped.ts', resolution);
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /consumer-mistyped\.ts\(9,3\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
  });
});
