/**
 * The library as a user gets it: built, packed with `npm pack`, and installed from the tarball into a
 * fresh app beside the smoke files, never read from the source tree. Building and packing cost a few
 * seconds, so it happens once per content of src/ and package.json: the first suite to ask does it
 * (under a lock, as vitest runs files in parallel) and the others reuse the result.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
/** The project's Node (24), which runs the builds (npm is the machine's, as a user's would be). */
export const NODE = join(BIN, 'node');

/**
 * What the runtime tests share: the fresh app (the tarball and the smoke files installed), and the
 * tarball's size.
 */
export interface PackedApp {
  /** The app's folder: node_modules/understudy from the tarball, smoke.js, cli.js, worker.js, browser.js. */
  dir: string;
  tarball: string;
  tarballBytes: number;
}

/** Files whose content makes the package: a change to any of them builds and packs again. */
function packageKey(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(ROOT, path)).update(readFileSync(path));
    }
  };
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md']) {
    hash.update(file).update(readFileSync(join(ROOT, file)));
  }
  walk(join(ROOT, 'src'));
  walk(join(ROOT, 'bin'));
  walk(join(import.meta.dirname, 'app'));
  hash.update(readFileSync(join(ROOT, 'examples', 'worker.ts')));
  hash.update(readFileSync(join(ROOT, 'scripts', 'write-dist-package.ts')));
  return hash.digest('hex').slice(0, 16);
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, {
    cwd,
    maxBuffer: 32 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${error.stderr ?? error.message}`);
  });
  return stdout;
}

async function build(dir: string): Promise<PackedApp> {
  const stage = join(dir, 'stage');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  // A staged copy of what `files` ships, built there as `npm run build` builds dist/, so the repository's
  // own dist/ is left alone.
  const out = join(stage, 'dist');
  await run(NODE, [join(BIN, 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out]);
  await run(NODE, [join(ROOT, 'scripts', 'write-dist-package.ts'), out]);
  for (const entry of ['package.json', 'README.md', 'bin']) {
    cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
  }
  const packed = JSON.parse(await npm(['pack', '--json', '--pack-destination', dir], stage)) as [
    { filename: string; size: number },
  ];
  const tarball = join(dir, packed[0].filename);
  const app = join(dir, 'app');
  cpSync(join(import.meta.dirname, 'app'), app, { recursive: true });
  // The README's Worker example, as a user copies it into their app.
  cpSync(join(ROOT, 'examples', 'worker.ts'), join(app, 'readme-worker.ts'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'fresh-app',
      private: true,
      type: 'module',
      dependencies: { understudy: `file:${tarball}`, '@ai-sdk/provider': '^4.0.0', zod: '^4.0.0' },
    }),
  );
  // From the registry as a user installs, preferring the local cache (CI ran `npm ci` just before).
  await npm(['install', '--prefer-offline', '--no-audit', '--ignore-scripts'], app);
  rmSync(stage, { recursive: true, force: true });
  return { dir: app, tarball, tarballBytes: packed[0].size };
}

let packing: Promise<PackedApp> | undefined;

/** The packed app for the current sources: built and installed once, then reused. */
export function packedApp(): Promise<PackedApp> {
  packing ??= withLock(join(tmpdir(), 'understudy-packed', packageKey()));
  return packing;
}

async function withLock(dir: string): Promise<PackedApp> {
  const ready = join(dir, 'ready.json');
  const lock = `${dir}.lock`;
  mkdirSync(join(dir, '..'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    if (existsSync(ready)) return JSON.parse(readFileSync(ready, 'utf8')) as PackedApp;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another suite is packing. A lock older than five minutes belongs to a run that died.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      if (waited > 300_000) throw new Error(`gave up waiting for ${lock}; remove it if no test run holds it`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    forgetOldBuilds(join(dir, '..'));
    const app = await build(dir);
    writeFileSync(ready, JSON.stringify(app));
    return app;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Each content of the sources leaves a build of ~40 MB behind; those a day old are no one's now. */
function forgetOldBuilds(parent: string): void {
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The `node` binary of an older Node (`20`, `22`, `22.14.0`: any version range npm takes), installed from
 * the npm registry's `node` package into a cache under the home folder, once; the project's own Node for
 * `24`.
 */
export async function nodeBinary(version: string): Promise<string> {
  if (version === '24') return NODE;
  const dir = join(homedir(), '.cache', 'understudy', `node-${version}`);
  const binary = join(dir, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}');
  await npm(['install', '--no-audit', `node@${version}`], dir);
  if (!existsSync(binary))
    throw new Error(`npm installed node@${version} into ${dir} but ${binary} is absent`);
  return binary;
}
