/**
 * The parser and the help renderer read one table per command; these check the parts the spawned-bin
 * tests cannot reach cheaply: every option the help names parses, typed values come out typed, and the
 * suggestions pick what a person meant.
 */
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../src/cli/command-line/parse.ts';
import { COMMANDS } from '../../src/cli/commands.ts';
import { ASK_COMMAND } from '../../src/cli/specs/ask.ts';
import { CHAOS_COMMAND } from '../../src/cli/specs/chaos.ts';
import { SERVE_COMMAND } from '../../src/cli/specs/serve.ts';
import { closestMatch } from '../../src/core/errors/suggest.ts';

describe('one table per command', () => {
  for (const { spec } of COMMANDS) {
    test(`${spec.name}: every option its help lists is one its parser takes`, () => {
      const help = parseCommandLine(spec, ['--help']);
      if (help.kind !== 'help') throw new Error('--help did not give help');
      const options = help.text.split('\nOptions:\n')[1]!.split('\n\n')[0]!;
      const listed = [...options.matchAll(/^ {2}(?:-\w, )? *--([\w-]+)( <)?/gm)];
      expect(listed.map((match) => match[1])).toEqual([...Object.keys(spec.options), 'help']);
      for (const [, name, takesValue] of listed) {
        if (name === 'help') continue;
        const choice = spec.options[name!]!.choices?.[0];
        const args = takesValue ? [`--${name}`, choice ?? '1'] : [`--${name}`];
        const positional = spec.positionals ? ['a prompt'] : [];
        const required = name === 'model' ? [] : spec === ASK_COMMAND ? ['--model', 'openai:gpt-4o'] : [];
        expect(parseCommandLine(spec, [...positional, ...required, ...args]).kind).toBe('run');
      }
    });
  }
});

describe('parseCommandLine', () => {
  test('applies defaults, and short options group as usual', () => {
    const line = parseCommandLine(ASK_COMMAND, [
      '-vm',
      'openai:gpt-4o',
      'what',
      'now?',
      '-f',
      'a:b',
      '-f',
      'c:d',
    ]);
    expect(line).toEqual({
      kind: 'run',
      values: { verbose: true, model: 'openai:gpt-4o', fallback: ['a:b', 'c:d'], stream: false },
      positionals: ['what', 'now?'],
    });
    const serve = parseCommandLine(SERVE_COMMAND, []);
    expect(serve.kind === 'run' && serve.values).toEqual({ port: '8787', host: '127.0.0.1' });
  });

  test("after '--', words that look like options are the prompt", () => {
    const line = parseCommandLine(ASK_COMMAND, ['-m', 'openai:gpt-4o', '--', '--help', 'me']);
    expect(line.kind === 'run' && line.positionals).toEqual(['--help', 'me']);
  });

  test('a choice option takes each of its choices', () => {
    for (const protocol of CHAOS_COMMAND.options.protocol.choices) {
      const line = parseCommandLine(CHAOS_COMMAND, [`--protocol=${protocol}`]);
      expect(line.kind === 'run' && line.values.protocol).toBe(protocol);
    }
  });
});

describe('closestMatch', () => {
  test.each([
    ['serv', ['demo', 'serve', 'chaos'], 'serve'],
    ['--wrokers', ['--port', '--workers'], '--workers'],
    ['--work', ['--port', '--workers'], '--workers'],
    ['anthorpic', ['openai', 'anthropic'], 'anthropic'],
    ['xyz', ['demo', 'serve'], undefined],
    ['--po', ['--port', '--protocol'], '--port'],
    ['--pr', ['--port', '--protocol', '--prompt'], undefined],
  ] as const)('%s among %j → %s', (typed, candidates, expected) => {
    expect(closestMatch(typed, candidates)).toBe(expected);
  });
});
