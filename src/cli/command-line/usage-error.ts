/**
 * A command line that cannot run as typed: an unknown command or option, a missing or malformed value.
 * `main` prints its message with a pointer to `--help` and exits with 2, the conventional code for a
 * usage error, so a script can tell "you called it wrong" (2) from "the job failed" (1).
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
