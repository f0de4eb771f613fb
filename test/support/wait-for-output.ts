/** Resolves when a child process prints `marker` on `stream`; rejects with what it printed if it exits first. */
import type { ChildProcess } from 'node:child_process';

export function waitForOutput(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  marker: string,
  name: string,
): Promise<void> {
  const source = child[stream];
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(marker)) {
        source?.off('data', onData);
        source?.resume();
        resolve();
      }
    };
    source?.on('data', onData);
    (stream === 'stdout' ? child.stderr : child.stdout)?.resume();
    child.once('exit', (code) =>
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`)),
    );
  });
}
