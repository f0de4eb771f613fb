/**
 * Starts a benchmark's server role in a process of its own: forks `script` with `--serve <role>
 * <upstreamUrl>` and resolves once the child reports the URL it listens on, so that the load generator
 * and the servers never share a CPU's event loop.
 *
 * @example
 * const upstream = await serveChild(SELF, 'upstream');
 * const gateway = await serveChild(SELF, 'gateway', upstream.url);
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

export async function serveChild(
  script: string,
  role: string,
  upstreamUrl = '',
  execArgv: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(script, ['--serve', role, upstreamUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { child, url: message.url };
}
