/**
 * The version `understudy --version` prints: the one in the package's own package.json, found next to
 * this module (src/cli/ in a checkout, dist/cli/ when installed — both two levels below the package
 * root), not in the working directory, which is whatever project the user runs the command from.
 */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error("understudy's package.json has no version");
  return version;
}
