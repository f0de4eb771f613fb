/**
 * The help texts, rendered from the same tables the parser reads: `understudy <command> --help` (what
 * it does, its options with their defaults, examples) and `understudy --help` (the commands).
 */
import { type CommandSpec, HELP_OPTION, type OptionSpec, optionSyntax } from './spec.ts';

/** Help lines are wrapped to fit a classic 80-column terminal. */
const WIDTH = 80;
/** Option names longer than this put their description on the next line. */
const MAX_NAME_COLUMN = 30;

/** The one usage line: required options and the positional spelled out, the rest as `[options]`. */
export function usageLine(spec: CommandSpec): string {
  const required = Object.entries(spec.options)
    .filter(([, option]) => option.required)
    .map(([name, option]) => optionSyntax(name, option));
  const positional = spec.positionals
    ? [spec.positionals.required ? `<${spec.positionals.name}>` : `[<${spec.positionals.name}>]`]
    : [];
  return ['understudy', spec.name, ...positional, ...required, '[options]'].join(' ');
}

/** `understudy <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  const rows = [...Object.entries(spec.options), ['help', HELP_OPTION] as const].map(
    ([name, option]): [string, string] => [optionName(name, option), optionDescription(option)],
  );
  const sections = [
    `understudy ${spec.name} — ${spec.summary}`,
    `Usage: ${usageLine(spec)}`,
    paragraphs(spec.description),
  ];
  if (spec.positionals)
    sections.push(`Arguments:\n${table([[`<${spec.positionals.name}>`, spec.positionals.description]])}`);
  sections.push(`Options:\n${table(rows)}`);
  if (spec.notes) sections.push(spec.notes.trimEnd());
  sections.push(`Examples:\n${spec.examples.map((example) => `  ${example}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}

/** `understudy --help`: every command with its one-line summary. */
export function overviewHelp(specs: readonly CommandSpec[]): string {
  const commands = table([
    ...specs.map((spec): [string, string] => [spec.name, spec.summary]),
    ['help [<command>]', 'this overview, or the help of one command'],
  ]);
  const options = table([
    ['-h, --help', 'show this help'],
    ['-V, --version', 'print the version (-v works too)'],
  ]);
  return [
    'understudy — keeps LLM calls working when a provider fails',
    'Usage: understudy <command> [options]',
    `Commands:\n${commands}`,
    `Options:\n${options}`,
    "Run 'understudy <command> --help' for a command's options, their defaults, and examples.",
  ]
    .join('\n\n')
    .concat('\n');
}

function optionName(name: string, option: OptionSpec): string {
  return `${option.short ? `-${option.short}, ` : '    '}${optionSyntax(name, option)}`;
}

function optionDescription(option: OptionSpec): string {
  const notes: string[] = [];
  if (option.choices) notes.push(`one of: ${option.choices.join(', ')}`);
  if (option.required) notes.push('required');
  if (option.defaultText !== undefined) notes.push(`default: ${option.defaultText}`);
  // A switch that is off unless given says nothing by saying "default: false".
  else if (option.default !== undefined && option.default !== false) notes.push(`default: ${option.default}`);
  if (option.multiple) notes.push('repeatable');
  return notes.length === 0 ? option.description : `${option.description} (${notes.join('; ')})`;
}

/** Two columns, the second wrapped and aligned. */
function table(rows: readonly (readonly [string, string])[]): string {
  const nameWidth = Math.min(MAX_NAME_COLUMN, Math.max(...rows.map(([name]) => name.length))) + 4;
  return rows
    .map(([name, description]) => {
      const text = wrap(description, WIDTH - nameWidth).join(`\n${' '.repeat(nameWidth)}`);
      const left = `  ${name}`;
      return left.length + 2 > nameWidth
        ? `${left}\n${' '.repeat(nameWidth)}${text}`
        : `${left.padEnd(nameWidth)}${text}`;
    })
    .join('\n');
}

function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => wrap(paragraph.replace(/\s+/g, ' '), WIDTH).join('\n'))
    .join('\n\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
