/**
 * The commands `main` dispatches to: each one's table (light; `--help` and the overview need only
 * these) and a loader for its code, imported only when the command runs, so `understudy chaos` does not
 * load the gateway and `understudy --help` loads nothing heavy.
 */
import type { CommandSpec } from './command-line/spec.ts';
import { ASK_COMMAND } from './specs/ask.ts';
import { CHAOS_COMMAND } from './specs/chaos.ts';
import { DEMO_COMMAND } from './specs/demo.ts';
import { KEYS_COMMAND } from './specs/keys.ts';
import { SERVE_COMMAND } from './specs/serve.ts';

/** Runs a command with the words after its name; resolves to the exit code. */
export type RunCommand = (argv: string[]) => Promise<number>;

export interface Command {
  spec: CommandSpec;
  load: () => Promise<RunCommand>;
}

/** In the order the overview lists them: the first thing to try comes first. */
export const COMMANDS: readonly Command[] = [
  { spec: DEMO_COMMAND, load: async () => (await import('./demo-command.ts')).runDemoCommand },
  { spec: SERVE_COMMAND, load: async () => (await import('./serve-command.ts')).runServeCommand },
  { spec: CHAOS_COMMAND, load: async () => (await import('./chaos-command.ts')).runChaosCommand },
  { spec: ASK_COMMAND, load: async () => (await import('./ask-command.ts')).runAskCommand },
  { spec: KEYS_COMMAND, load: async () => (await import('./keys-command.ts')).runKeysCommand },
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.spec.name === name);
}
