/**
 * The `understudy` command line: `understudy <command> [options]`, where each command's options live
 * in one table (src/cli/specs/) that both its parser and its `--help` read.
 *
 * Exit codes follow the usual convention: 0 the job is done, 1 the job failed (a provider, a file, a
 * port), 2 the command line itself is wrong — and then stderr says what was wrong and where the help is.
 *
 * @example
 * understudy serve --config understudy.yaml --port 8787
 * understudy chaos --protocol openai --port 9001 --scenario examples/chaos/flaky.yaml
 */
import { pathToFileURL } from 'node:url';
import { didYouMean } from '../core/errors/suggest.ts';
import { commandHelp, overviewHelp } from './command-line/help.ts';
import { parseCommandLine } from './command-line/parse.ts';
import type { CommandSpec } from './command-line/spec.ts';
import { UsageError } from './command-line/usage-error.ts';
import { COMMANDS, findCommand } from './commands.ts';
import { failureMessage } from './failure-message.ts';
import { packageVersion } from './version.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** `-V` as most CLIs spell it; `-v` as node and npm do, which people type by habit. */
const VERSION_FLAGS = ['--version', '-V', '-v'];
const HELP_FLAGS = ['--help', '-h'];

/** Runs one command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || HELP_FLAGS.includes(first)) return print(overviewHelp(specs()));
  if (VERSION_FLAGS.includes(first)) return print(`${packageVersion()}\n`);
  if (first === 'help') return helpCommand(rest);
  if (first.startsWith('-')) return usageError('', topLevelOptionMistake(first));

  const command = findCommand(first);
  if (!command) return unknownCommand(first);
  try {
    // Checked here before the command's code loads (serve's pulls in the whole gateway), so `--help`
    // and a mistyped option answer at once; the command parses the same line again, which is cheap.
    const line = parseCommandLine(command.spec, rest);
    if (line.kind === 'help') return print(line.text);
    return await (await command.load())(rest);
  } catch (error) {
    if (error instanceof UsageError) return usageError(first, error.message);
    // A user-facing message, never a stack trace: errors we raise say what to change.
    process.stderr.write(`understudy ${first}: ${failureMessage(error)}\n`);
    return EXIT_FAILURE;
  }
}

/** `understudy help` and `understudy help <command>`. */
function helpCommand(args: string[]): number {
  const [name, ...extra] = args;
  if (name === undefined) return print(overviewHelp(specs()));
  const command = findCommand(name);
  if (!command) return unknownCommand(name);
  if (extra.length > 0) return usageError('', `help takes one command name, got '${args.join(' ')}'`);
  return print(commandHelp(command.spec));
}

function unknownCommand(name: string): number {
  const words = [...specs().map((spec) => spec.name), 'help', ...VERSION_FLAGS, ...HELP_FLAGS];
  return usageError('', `unknown command '${name}'${didYouMean(name, words)}`);
}

/** An option before any command: a typo of --help/--version, or a command's option put too early. */
function topLevelOptionMistake(option: string): string {
  const suggestion = didYouMean(option, ['--help', '--version']);
  if (suggestion) return `unknown option '${option}'${suggestion}`;
  const name = option.replace(/^-+/, '').split('=')[0] ?? '';
  const owner = COMMANDS.find((command) => Object.hasOwn(command.spec.options, name));
  return owner
    ? `unknown option '${option}' — options go after the command, e.g. understudy ${owner.spec.name} --${name}`
    : `unknown option '${option}'`;
}

function specs(): CommandSpec[] {
  return COMMANDS.map((command) => command.spec);
}

function print(text: string): number {
  process.stdout.write(text);
  return EXIT_OK;
}

/** What was wrong, and where to read how it is done: to stderr, exit code 2. */
function usageError(command: string, message: string): number {
  const prefix = command ? `understudy ${command}` : 'understudy';
  const pointer = command
    ? `Try 'understudy ${command} --help' for its options.`
    : "Try 'understudy --help'.";
  process.stderr.write(`${prefix}: ${message}\n${pointer}\n`);
  return EXIT_USAGE;
}

/**
 * Ends the process with `code`. A command that failed has nothing left to do, so it exits at once rather
 * than wait on whatever its failure left open (a gateway that failed to listen still holds its demo
 * upstreams), which would leave a failed command running forever. Its message is already out: on Linux,
 * stderr to a pipe, a file or a terminal is written synchronously.
 */
export function exitWith(code: number): void {
  if (code !== EXIT_OK) process.exit(code);
  process.exitCode = code;
}

// `node src/cli/main.ts ...`, as the npm scripts run it; the bin calls main and exitWith itself.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  exitWith(await main(process.argv.slice(2)));
