/**
 * Draws the soak run's resource samples as a small standalone SVG: RSS and heap (MiB, left axis) and open
 * file descriptors (right axis) over minutes. No chart library: a soak result must render anywhere, and
 * three polylines are a few lines of code.
 *
 * @example
 * writeFileSync('soak.svg', soakChartSvg(samples));
 */

/** One sample of the process's resources. */
export interface ResourceSample {
  elapsedSeconds: number;
  rssMiB: number;
  heapUsedMiB: number;
  fds: number;
  sent: number;
  answered: number;
  errored: number;
}

const WIDTH = 720;
const HEIGHT = 320;
const PAD = { left: 56, right: 56, top: 28, bottom: 40 };

/** Renders the samples as an SVG document. */
export function soakChartSvg(
  samples: readonly ResourceSample[],
  title = 'Soak: memory and file descriptors',
): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const maxT = Math.max(1, ...samples.map((s) => s.elapsedSeconds));
  const maxMiB = niceCeiling(Math.max(1, ...samples.map((s) => Math.max(s.rssMiB, s.heapUsedMiB))));
  const maxFds = niceCeiling(Math.max(1, ...samples.map((s) => s.fds)));
  const x = (t: number) => PAD.left + (t / maxT) * plotW;
  const yMiB = (v: number) => PAD.top + plotH - (v / maxMiB) * plotH;
  const yFds = (v: number) => PAD.top + plotH - (v / maxFds) * plotH;
  const line = (points: string, color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`;
  const series = (pick: (s: ResourceSample) => number, y: (v: number) => number) =>
    samples.map((s) => `${x(s.elapsedSeconds).toFixed(1)},${y(pick(s)).toFixed(1)}`).join(' ');
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + (plotH * i) / 4;
    ticks.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    ticks.push(label(PAD.left - 6, y + 4, ((maxMiB * (4 - i)) / 4).toFixed(0), 'end'));
    ticks.push(label(WIDTH - PAD.right + 6, y + 4, ((maxFds * (4 - i)) / 4).toFixed(0), 'start'));
  }
  const minutes = maxT / 60;
  for (let i = 0; i <= 4; i++) {
    const t = (maxT * i) / 4;
    ticks.push(label(x(t), HEIGHT - PAD.bottom + 16, `${((minutes * i) / 4).toFixed(1)} min`, 'middle'));
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    label(WIDTH / 2, 16, title, 'middle', 13),
    ...ticks,
    line(
      series((s) => s.rssMiB, yMiB),
      '#1f77b4',
    ),
    line(
      series((s) => s.heapUsedMiB, yMiB),
      '#2ca02c',
    ),
    line(
      series((s) => s.fds, yFds),
      '#d62728',
    ),
    label(
      PAD.left,
      HEIGHT - 8,
      'RSS MiB (blue), heap used MiB (green): left axis; open fds (red): right axis',
      'start',
    ),
    '</svg>',
    '',
  ].join('\n');
}

function label(x: number, y: number, text: string, anchor: string, size = 11): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" font-size="${size}">${text}</text>`;
}

/** 1, 2 or 5 times a power of ten, at or above `value`: round axis maxima. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
