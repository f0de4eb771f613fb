/**
 * Whether the CLI colours its output, decided in one place. node's `styleText` decides by itself too,
 * but not quite as users expect: it lets FORCE_COLOR override NO_COLOR and treats an empty NO_COLOR as
 * set. Here, as https://no-color.org says, a non-empty NO_COLOR turns colour off whatever else is set;
 * otherwise FORCE_COLOR turns it on (except '0' or 'false', which turn it off, as node and the
 * supports-color package read them); otherwise colour only reaches a terminal (a TTY that is not
 * TERM=dumb), never a pipe or a file.
 */
import { styleText } from 'node:util';

export type Style = Parameters<typeof styleText>[0];

/** The parts of a stream and an environment the decision reads; tests pass their own. */
export interface ColourContext {
  stream: { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export function shouldColour({ stream, env }: ColourContext): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** `text` in `style` when stdout gets colour, plain otherwise. */
export function paint(style: Style, text: string): string {
  if (!shouldColour({ stream: process.stdout, env: process.env })) return text;
  // The decision is made above; styleText must not make its own (validateStream would).
  return styleText(style, text, { validateStream: false });
}
