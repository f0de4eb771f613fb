/**
 * The one line a failed command prints. Errors Understudy raises already say what to change; node's
 * system errors ("listen EADDRINUSE: address already in use 127.0.0.1:8787", "ENOENT: no such file or
 * directory, open 'x.yaml'") are worded for programmers, so the common ones are said plainly here, with
 * the option that fixes them.
 */
interface SystemError extends Error {
  code?: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

export function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, syscall, path, address, port } = error as SystemError;
  const where = `${address}${port === undefined ? '' : `:${port}`}`;
  if (syscall === 'listen' || syscall === 'bind') {
    if (code === 'EADDRINUSE')
      return `${where} is already in use: stop what listens there, or pick another --port (0 picks a free one)`;
    if (code === 'EACCES')
      return `not allowed to listen on ${where}: ports below 1024 need privileges; pick another --port`;
    if (code === 'EADDRNOTAVAIL') return `${address} is not an address of this machine: check --host`;
  }
  if (path !== undefined) {
    if (code === 'ENOENT') return `no such file: ${path}`;
    if (code === 'EACCES' || code === 'EPERM') return `not allowed to read ${path}`;
    if (code === 'EISDIR') return `${path} is a directory, not a file`;
  }
  return error.message;
}
