/**
 * What a command accepts, written once: the parser (`parseCommandLine`) and the help text
 * (`commandHelp`) both read the same table, so `--help` cannot describe an option the parser rejects, or
 * miss one it takes.
 */
import type { ParseArgsOptionDescriptor } from 'node:util';

/**
 * One option: node's own `parseArgs` descriptor (type, short, multiple, default), plus what `--help`
 * says about it. `parseArgs` ignores the extra fields, so the table is passed to it as it is.
 */
export interface OptionSpec extends ParseArgsOptionDescriptor {
  /** One sentence for `--help`: what the option changes. */
  description: string;
  /** The value's name in `--help` and in errors (`--port <n>`); string options only. */
  valueName?: string;
  /** The default in words, for a default the parser cannot apply itself (one worker per core, ...). */
  defaultText?: string;
  /** The only values accepted: the parser rejects others (suggesting the nearest), help lists them. */
  choices?: readonly string[];
  /** The command cannot run without it; the parser says so, and `--help` shows it in the usage line. */
  required?: boolean;
}

export type OptionTable = Record<string, OptionSpec>;

/** The words after the options, such as `ask`'s prompt. */
export interface PositionalSpec {
  /** Its name in `--help` and in errors: `prompt` shows as `<prompt>`. */
  name: string;
  description: string;
  required?: boolean;
}

/** A command: its name, what it does, what it accepts and how it is typically run. */
export interface CommandSpec<Options extends OptionTable = OptionTable> {
  name: string;
  /** One line, for the overview (`understudy --help`). */
  summary: string;
  /** A paragraph for the command's own `--help`: what it does, what it needs, when it stops. */
  description: string;
  options: Options;
  positionals?: PositionalSpec;
  /** A further section of help after the options (chaos lists its fault syntax there). */
  notes?: string;
  /** Command lines a user would type; the first one also shows in errors about a missing argument. */
  examples: readonly string[];
}

/** Every command takes `-h`/`--help`; it is added here so no table can forget or redefine it. */
export const HELP_OPTION = {
  type: 'boolean',
  short: 'h',
  description: 'show this help and exit',
} as const satisfies OptionSpec;

/**
 * Declares a command. The `const` type parameter keeps each option's literal `type` and `default`, which
 * is what lets `parseCommandLine` type `values.port` as `string` rather than `string | boolean`.
 */
export function defineCommand<const Options extends OptionTable>(
  spec: CommandSpec<Options>,
): CommandSpec<Options> {
  return spec;
}

/** How an option reads in help and errors: `--port <n>`, `--stream`. */
export function optionSyntax(name: string, option: OptionSpec): string {
  return option.type === 'string' ? `--${name} <${option.valueName ?? 'value'}>` : `--${name}`;
}
