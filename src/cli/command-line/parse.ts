/**
 * Parses a command's arguments against its table (see spec.ts) with node's `util.parseArgs`, after a
 * first pass over parseArgs' tokens that turns each kind of mistake into a `UsageError` saying what was
 * wrong and what to type instead: an unknown option with the nearest known one, a missing value, a value
 * given to a switch, a stray argument, a missing required option. parseArgs' own messages are written
 * for programmers ("To specify a positional argument starting with a '-', place it ... after '--'").
 */
import { parseArgs } from 'node:util';
import { didYouMean } from '../../core/errors/suggest.ts';
import { commandHelp } from './help.ts';
import { type CommandSpec, HELP_OPTION, type OptionSpec, type OptionTable, optionSyntax } from './spec.ts';
import { UsageError } from './usage-error.ts';

type WithHelp<Options extends OptionTable> = Options & { help: typeof HELP_OPTION };

interface StrictConfig<Options extends OptionTable> {
  args: string[];
  options: WithHelp<Options>;
  strict: true;
  allowPositionals: true;
}

type ParsedValues<Options extends OptionTable> = ReturnType<
  typeof parseArgs<StrictConfig<Options>>
>['values'];

type RequiredName<Options extends OptionTable> = {
  [Name in keyof Options]: Options[Name] extends { required: true } ? Name : never;
}[keyof Options];

/** Options with `choices` hold one of them; intersected with parseArgs' `string`, this narrows it. */
type ChoiceValues<Options extends OptionTable> = {
  [Name in keyof Options as Options[Name] extends { choices: readonly string[] }
    ? Name
    : never]?: Options[Name] extends {
    choices: readonly (infer Choice)[];
  }
    ? Choice
    : never;
};

/**
 * The option values as parseArgs types them (`string` for a string option with a default, `string[]` for
 * a repeatable one, ...), narrowed by what the parser has checked: required options are present, and an
 * option with choices holds one of them.
 */
export type OptionValues<Options extends OptionTable> = ParsedValues<Options> &
  ChoiceValues<Options> & {
    [Name in RequiredName<Options>]-?: NonNullable<ParsedValues<Options>[Name & keyof ParsedValues<Options>]>;
  };

/** Either the help was asked for (print it, exit 0), or the command can run with these values. */
export type CommandLine<Options extends OptionTable> =
  | { kind: 'help'; text: string }
  | { kind: 'run'; values: OptionValues<Options>; positionals: string[] };

/**
 * Reads `argv` (the words after the command name). `--help` anywhere before `--` wins over every
 * other mistake on the line, since someone who asks for help is about to fix it.
 *
 * @example
 * const line = parseCommandLine(SERVE_COMMAND, ['--port', '9000']);
 * if (line.kind === 'run') line.values.port; // '9000'
 */
export function parseCommandLine<Options extends OptionTable>(
  spec: CommandSpec<Options>,
  argv: readonly string[],
): CommandLine<Options> {
  const options: WithHelp<Options> = { ...spec.options, help: HELP_OPTION };
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help'))
    return { kind: 'help', text: commandHelp(spec) };

  for (const token of tokens) {
    if (token.kind === 'positional' && spec.positionals === undefined)
      throw new UsageError(
        `unexpected argument '${token.value}'${didYouMean(`--${token.value}`, longNames(options))}`,
      );
    if (token.kind !== 'option') continue;
    const typed = argv[token.index] ?? token.rawName;
    // `-port` parses as `-p ort`; someone who typed it meant `--port`.
    const singleDashName = /^-([^-][^=]+)/.exec(typed)?.[1];
    if (singleDashName !== undefined && Object.hasOwn(options, singleDashName))
      throw new UsageError(`unknown option '${typed}' — did you mean '--${singleDashName}'?`);
    const option: OptionSpec | undefined = Object.hasOwn(options, token.name)
      ? options[token.name]
      : undefined;
    if (option === undefined && (token.rawName === '--version' || token.rawName === '-V'))
      throw new UsageError(`unknown option '${token.rawName}': the version is 'understudy --version'`);
    if (option === undefined)
      throw new UsageError(
        `unknown option '${token.rawName}'${token.rawName.startsWith('--') ? didYouMean(token.rawName, longNames(options)) : ''}`,
      );
    checkValue(token.name, option, token.value, token.inlineValue === true);
  }

  const config: StrictConfig<Options> = { args: [...argv], options, strict: true, allowPositionals: true };
  const { values, positionals } = parseArgs(config);
  const example = spec.examples[0] === undefined ? '' : `, e.g. ${spec.examples[0]}`;
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && (values as Record<string, unknown>)[name] === undefined)
      throw new UsageError(`missing ${optionSyntax(name, option)}${example}`);
  }
  if (spec.positionals?.required && positionals.join('').trim() === '')
    throw new UsageError(`missing <${spec.positionals.name}>${example}`);
  // The checks above (required options, choices) are all the cast adds.
  return { kind: 'run', values: values as OptionValues<Options>, positionals };
}

function checkValue(name: string, option: OptionSpec, value: string | undefined, inline: boolean): void {
  const syntax = optionSyntax(name, option);
  if (option.type === 'boolean') {
    if (value !== undefined) throw new UsageError(`--${name} takes no value; write ${syntax} alone`);
    return;
  }
  if (value === undefined || value === '') throw new UsageError(`${syntax} needs a value`);
  // parseArgs (not strict) takes the next word as the value even when it is another option.
  if (!inline && value.startsWith('-'))
    throw new UsageError(
      `${syntax} needs a value, but the next word is '${value}'; if that is the value, write --${name}=${value}`,
    );
  if (option.choices && !option.choices.includes(value))
    throw new UsageError(
      `--${name} must be one of ${option.choices.join(', ')}; got '${value}'${didYouMean(value, option.choices)}`,
    );
}

function longNames(options: OptionTable): string[] {
  return Object.keys(options).map((name) => `--${name}`);
}
