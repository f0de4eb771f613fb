/**
 * A small grouped bar chart as standalone SVG text, for bench results that live in the repository
 * (no charting dependency, readable in any browser and on GitHub).
 *
 * @example
 * const svg = groupedBarChart({
 *   title: 'Added latency p50 (ms)', unit: 'ms',
 *   groups: ['500 req/s', '1,000 req/s'],
 *   series: [{ name: 'understudy', color: '#2b6cb0', values: [0.2, 0.25] }, { name: 'portkey', color: '#c05621', values: [1.9, 40] }],
 * });
 */

export interface BarSeries {
  name: string;
  color: string;
  /** One value per group; NaN draws no bar and prints "n/a". */
  values: number[];
}

export interface BarChartOptions {
  title: string;
  unit: string;
  groups: string[];
  series: BarSeries[];
  /** Logarithmic value axis: for values that span orders of magnitude. */
  log?: boolean;
  width?: number;
  height?: number;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function label(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Renders the chart; each bar is labelled with its value, so the figure reads without the axis. */
export function groupedBarChart(options: BarChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 320;
  const margin = { top: 48, right: 16, bottom: 56, left: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const finite = options.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  const max = Math.max(...finite, 1e-9);
  const min = options.log ? Math.min(...finite, max / 10) : 0;
  const lo = options.log ? Math.floor(Math.log10(min)) : 0;
  const hi = options.log ? Math.ceil(Math.log10(max)) : max * 1.15;
  const scale = (v: number) =>
    options.log
      ? ((Math.log10(Math.max(v, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * plotH
      : (v / hi) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  // Axis ticks: powers of ten on a log axis, five steps on a linear one.
  const ticks = options.log
    ? Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i))
    : Array.from({ length: 6 }, (_, i) => (hi * i) / 5);
  for (const tick of ticks) {
    const y = margin.top + plotH - scale(tick);
    out.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#e2e8f0"/>`,
      `<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end" fill="#4a5568">${label(tick)}</text>`,
    );
  }
  out.push(
    `<text x="14" y="${margin.top + plotH / 2}" transform="rotate(-90 14 ${margin.top + plotH / 2})" text-anchor="middle" fill="#4a5568">${escapeXml(options.unit)}${options.log ? ' (log scale)' : ''}</text>`,
  );
  const groupW = plotW / options.groups.length;
  const barW = Math.min(48, (groupW * 0.8) / options.series.length);
  options.groups.forEach((group, g) => {
    const x0 = margin.left + g * groupW + (groupW - barW * options.series.length) / 2;
    options.series.forEach((series, s) => {
      const value = series.values[g] ?? Number.NaN;
      const x = x0 + s * barW;
      const h = Number.isFinite(value) && value > 0 ? Math.max(1, scale(value)) : 0;
      const y = margin.top + plotH - h;
      if (h > 0)
        out.push(`<rect x="${x + 2}" y="${y}" width="${barW - 4}" height="${h}" fill="${series.color}"/>`);
      out.push(`<text x="${x + barW / 2}" y="${y - 4}" text-anchor="middle">${label(value)}</text>`);
    });
    out.push(
      `<text x="${margin.left + g * groupW + groupW / 2}" y="${margin.top + plotH + 18}" text-anchor="middle">${escapeXml(group)}</text>`,
    );
  });
  options.series.forEach((series, s) => {
    const x = margin.left + s * 150;
    const y = height - 14;
    out.push(
      `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${series.color}"/>`,
      `<text x="${x + 18}" y="${y}">${escapeXml(series.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
