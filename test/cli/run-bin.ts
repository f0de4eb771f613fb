/**
 * Runs the real `understudy` bin as a user does (a fresh node process, arguments as typed) and returns
 * what a shell would see: the exit code, stdout and stderr. It never rejects on a non-zero exit, since
 * the exit code is what the tests check.
 */
import { execFile } from 'node:child_process';

export const BIN = new URL('../../bin/understudy.js', import.meta.url).pathname;

export interface BinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment without colour settings or provider keys, so output does not depend on the shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...extra };
}

export function runBin(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: options.env ?? cleanEnv(), cwd: options.cwd, timeout: options.timeoutMs ?? 50_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}
