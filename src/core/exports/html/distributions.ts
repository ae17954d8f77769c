// Charts of many songs (a folder, or the two runs of a comparison), hand-drawn
// SVG for the reasons given in charts.ts: a histogram of one dimension per
// run, and a paired scatter of A against B per song.
import { mean } from '../../song-values';
import { figure, scoreX, SCALE } from './charts';
import { html, px, score2, type Markup } from './markup';

export interface Series {
  name: string;
  /** CSS class of its marks: one run alone, or run A / run B of a comparison. */
  tone: 'one' | 'a' | 'b';
  values: readonly number[];
}

const BIN = 0.25;
const BINS = (SCALE.max - SCALE.min) / BIN;

/** Songs per bin of 0.25 on the 1..5 scale; the last bin holds 5 itself, scores off the scale count at its ends. */
function binCounts(values: readonly number[]): number[] {
  const counts = new Array<number>(BINS).fill(0);
  for (const v of values) counts[Math.min(BINS - 1, Math.max(0, Math.floor((v - SCALE.min) / BIN)))]! += 1;
  return counts;
}

/** A histogram per series side by side in each bin, the threshold as a dashed line, song counts as text. */
export function histogram(title: string, series: readonly Series[], threshold: number): Markup {
  const [width, height, x0, x1, top, bottom] = [300, 180, 30, 290, 26, 150];
  const counts = series.map((s) => binCounts(s.values));
  const most = Math.max(1, ...counts.flat());
  const binWidth = (x1 - x0) / BINS;
  const barWidth = (binWidth - 2) / series.length;
  const y = (n: number) => bottom - (n / most) * (bottom - top);
  const marks: Markup[] = [
    html`<line class="axis" x1="${x0}" x2="${x1}" y1="${bottom}" y2="${bottom}"/><text class="muted" x="${x0 - 4}" y="${px(top + 4)}" text-anchor="end">${most}</text><text class="muted" x="${x0 - 4}" y="${bottom}" text-anchor="end">0</text>`,
    ...[1, 2, 3, 4, 5].map((v) => html`<text class="muted" x="${px(scoreX(v, x0, x1))}" y="${bottom + 14}" text-anchor="middle">${v}</text>`),
  ];
  counts.forEach((binsOfSeries, k) => {
    const s = series[k]!;
    binsOfSeries.forEach((n, b) => {
      if (n === 0) return;
      const left = x0 + b * binWidth + 1 + k * barWidth;
      const from = SCALE.min + b * BIN;
      marks.push(
        html`<rect class="series-${s.tone}" x="${px(left)}" y="${px(y(n))}" width="${px(barWidth)}" height="${px(bottom - y(n))}"><title>${s.name}: ${n} songs from ${score2(from)} to ${score2(from + BIN)}</title></rect>`,
      );
      if (series.length === 1) marks.push(html`<text x="${px(left + barWidth / 2)}" y="${px(y(n) - 3)}" text-anchor="middle" font-size="10">${n}</text>`);
    });
  });
  if (Number.isFinite(threshold)) {
    const x = px(scoreX(threshold, x0, x1));
    marks.push(html`<line class="threshold" x1="${x}" x2="${x}" y1="${top - 12}" y2="${bottom}"/><text class="muted" x="${x}" y="${top - 16}" text-anchor="middle" font-size="10">≥ ${score2(threshold)}</text>`);
  }
  const stats = series.map((s) => `${s.name}: ${s.values.length} songs, mean ${score2(mean(s.values))}`);
  const topLine = Number.isFinite(threshold) ? `; top tier ≥ ${score2(threshold)}` : '';
  const caption = html`${series.map((s, i) => html`${i ? ' · ' : ''}<span class="key-${s.tone}">■</span> ${s.name} mean ${score2(mean(s.values))}`)}${topLine}`;
  return figure(title, `${stats.join('; ')}${topLine}.`, width, height, marks, caption);
}

export interface PairedPoint {
  /** What the pair shares (relative path or file name). */
  name: string;
  a: number;
  b: number;
}

/** Range of the plot: the data's range on a 0.5 grid, so clustered scores spread out. */
function range(values: readonly number[]): { low: number; high: number } {
  const low = Math.floor(Math.min(...values) * 2) / 2;
  const high = Math.max(low + 0.5, Math.ceil(Math.max(...values) * 2) / 2);
  return { low, high };
}

/** A against B per paired song; above the diagonal B scored higher. */
export function pairedScatter(title: string, points: readonly PairedPoint[]): Markup {
  const [size, x0, x1, top, bottom] = [240, 34, 228, 20, 208];
  const { low, high } = range(points.flatMap((p) => [p.a, p.b]));
  const x = (v: number) => x0 + ((v - low) / (high - low)) * (x1 - x0);
  const y = (v: number) => bottom - ((v - low) / (high - low)) * (bottom - top);
  const ticks = Array.from({ length: Math.round((high - low) / 0.5) + 1 }, (_, i) => low + i * 0.5).filter((_, i, all) => all.length <= 5 || i % 2 === 0);
  const marks: Markup[] = [
    ...ticks.map(
      (t) =>
        html`<line class="grid" x1="${px(x(t))}" x2="${px(x(t))}" y1="${top}" y2="${bottom}"/><line class="grid" x1="${x0}" x2="${x1}" y1="${px(y(t))}" y2="${px(y(t))}"/><text class="muted" x="${px(x(t))}" y="${bottom + 13}" text-anchor="middle">${t.toFixed(1)}</text><text class="muted" x="${x0 - 4}" y="${px(y(t) + 4)}" text-anchor="end">${t.toFixed(1)}</text>`,
    ),
    html`<line class="axis" x1="${x0}" y1="${bottom}" x2="${x1}" y2="${top}"/><text class="muted" x="${x1}" y="${size - 2}" text-anchor="end">A →</text><text class="muted" x="2" y="${top - 8}">B ↑</text>`,
  ];
  let higher = 0;
  let lower = 0;
  for (const p of points) {
    const tone = p.b > p.a ? 'up' : p.b < p.a ? 'down' : 'same';
    if (tone === 'up') higher += 1;
    if (tone === 'down') lower += 1;
    marks.push(html`<circle class="${tone}" cx="${px(x(p.a))}" cy="${px(y(p.b))}" r="3.5" fill-opacity="0.75"><title>${p.name}: A ${score2(p.a)} → B ${score2(p.b)}</title></circle>`);
  }
  const summary = `${points.length} pairs: B higher in ${higher}, lower in ${lower}, equal in ${points.length - higher - lower}`;
  return figure(title, `${summary}.`, size, size, marks, summary);
}
