/**
 * The `understudy` command line. Each subcommand is imported only when used, so `understudy chaos`
 * does not load the gateway and `understudy --help` loads nothing.
 *
 * @example
 * understudy serve --config understudy.yaml --port 8787
 * understudy chaos --protocol openai --port 9001 --scenario examples/chaos/flaky.yaml
 */
import { pathToFileURL } from 'node:url';

const USAGE = `understudy — keeps LLM calls working when a provider fails

Usage:
  understudy demo                 fallback across three failing local upstreams, live in the terminal
  understudy serve [options]      the OpenAI/Anthropic-compatible gateway (--config, --port, --host, --workers)
  understudy chaos [options]      a fault-injecting provider emulator (--protocol, --port, --scenario)
  understudy ask "prompt" --model provider:model [--fallback provider:model]... [--stream] [-v]
                                  one question through a FallbackModel; -v prints the attempt trace
  understudy help                 this text
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: async () => (await import('./demo-command.ts')).runDemoCommand,
  serve: async () => (await import('./serve-command.ts')).runServeCommand,
  chaos: async () => (await import('./chaos-command.ts')).runChaosCommand,
  ask: async () => (await import('./ask-command.ts')).runAskCommand,
};

/** Runs one command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`understudy: unknown command '${name}'.\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (error) {
    // A user-facing message, never a stack trace: errors we raise say what to change.
    process.stderr.write(`understudy ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
