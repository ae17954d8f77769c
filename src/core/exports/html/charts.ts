// Charts of one song, drawn as inline SVG by hand: the report must be a single
// offline file that opens without script, so a chart library (canvas + JS) is
// out, and a few dozen elements per chart keep the page small. Every chart
// carries a title, a text description, a <title> per mark and its numbers as
// text beside the marks, so it reads without colour or a mouse.
import { mean } from '../../song-values';
import { html, px, score2, type Markup } from './markup';

/** The SongEval rating scale. */
export const SCALE = { min: 1, max: 5 } as const;

/** x of a score on a plot from x0 to x1; scores outside the scale stick to its ends. */
export function scoreX(value: number, x0: number, x1: number): number {
  const clamped = Math.min(SCALE.max, Math.max(SCALE.min, value));
  return x0 + ((clamped - SCALE.min) / (SCALE.max - SCALE.min)) * (x1 - x0);
}

/** Vertical grid lines and labels at 1, 2, ... 5. */
function scoreGrid(x0: number, x1: number, top: number, bottom: number): Markup[] {
  return [1, 2, 3, 4, 5].map((v) => {
    const x = px(scoreX(v, x0, x1));
    return html`<line class="grid" x1="${x}" x2="${x}" y1="${px(top)}" y2="${px(bottom)}"/><text class="muted" x="${x}" y="${px(bottom + 14)}" text-anchor="middle">${v}</text>`;
  });
}

/** A chart: its title shown above it and given to assistive technology, a text description, a note below. */
export function figure(title: string, description: string, width: number, height: number, marks: Markup[], note?: Markup | string): Markup {
  return html`<figure><figcaption>${title}</figcaption><svg role="img" aria-label="${title}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${title}</title><desc>${description}</desc>${marks}</svg>${
    note ? html`<p class="note">${note}</p>` : ''
  }</figure>`;
}

export interface DimensionBar {
  label: string;
  value: number;
  /** NaN when the label has no threshold. */
  threshold: number;
}

/** One horizontal bar per dimension on the 1..5 scale, the threshold as a dashed mark, the score and ★ as text. */
export function dimensionBars(title: string, rows: readonly DimensionBar[]): Markup {
  const [width, x0, x1, rowHeight, top] = [640, 130, 470, 32, 6];
  const bottom = top + rows.length * rowHeight;
  const text = (r: DimensionBar) => {
    const isTop = r.value >= r.threshold;
    const versus = Number.isFinite(r.threshold) ? (isTop ? ` ★ top tier (≥ ${score2(r.threshold)})` : ` (top tier ≥ ${score2(r.threshold)})`) : '';
    return { isTop, line: `${score2(r.value)}${versus}` };
  };
  const marks = rows.map((r, i) => {
    const y = top + i * rowHeight;
    const { isTop, line } = text(r);
    const end = scoreX(r.value, x0, x1);
    const threshold = Number.isFinite(r.threshold) ? px(scoreX(r.threshold, x0, x1)) : undefined;
    return html`<g><text x="${x0 - 8}" y="${px(y + rowHeight / 2 + 4)}" text-anchor="end">${r.label}</text><rect class="bar${isTop ? ' top' : ''}" x="${x0}" y="${px(y + 6)}" width="${px(Math.max(1, end - x0))}" height="${rowHeight - 12}"><title>${r.label}: ${line}</title></rect>${
      threshold ? html`<line class="threshold" x1="${threshold}" x2="${threshold}" y1="${px(y + 2)}" y2="${px(y + rowHeight - 2)}"/>` : ''
    }<text x="${x1 + 8}" y="${px(y + rowHeight / 2 + 4)}">${line}</text></g>`;
  });
  const description = rows.map((r) => `${r.label} ${text(r).line}`).join('; ');
  return figure(title, description, width, bottom + 22, [...scoreGrid(x0, x1, top, bottom), ...marks], 'Bars on the 1–5 scale; the dashed mark is the top-tier threshold.');
}

export interface TimelineSegment {
  start: number;
  end: number;
  scores: readonly number[];
  rank?: 'weakest' | 'strongest';
}

/** m:ss */
export function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * The per-segment timeline as a heat map: time runs left to right, one row
 * per dimension plus the overall mean; a cell's shade grows with its score,
 * cells at or above the threshold get an outline and ★, and the weakest and
 * strongest segments are named above their column.
 */
export function segmentTimeline(title: string, labels: readonly string[], thresholds: readonly number[], segments: readonly TimelineSegment[]): Markup {
  const [width, x0, x1, rowHeight, top] = [640, 130, 632, 26, 20];
  const rows = [...labels, 'overall'];
  const bottom = top + rows.length * rowHeight;
  const duration = Math.max(...segments.map((s) => s.end));
  const x = (t: number) => x0 + (t / duration) * (x1 - x0);
  const marks: Markup[] = rows.map((label, r) => html`<text x="${x0 - 8}" y="${px(top + r * rowHeight + rowHeight / 2 + 4)}" text-anchor="end">${label}</text>`);
  for (const s of segments) {
    const left = x(s.start) + 1;
    const cellWidth = Math.max(1, x(s.end) - x(s.start) - 2);
    const values = [...s.scores, mean(s.scores)];
    values.forEach((v, r) => {
      const isTop = r < labels.length && v >= thresholds[r]!;
      const shade = 0.12 + 0.55 * ((Math.min(SCALE.max, Math.max(SCALE.min, v)) - SCALE.min) / (SCALE.max - SCALE.min));
      const y = top + r * rowHeight;
      const label = `${clock(s.start)}–${clock(s.end)} ${rows[r]} ${score2(v)}${isTop ? ' ★ top tier' : ''}`;
      marks.push(
        html`<rect class="cell${isTop ? ' top' : ''}" x="${px(left)}" y="${px(y + 2)}" width="${px(cellWidth)}" height="${rowHeight - 4}" fill-opacity="${shade.toFixed(2)}"><title>${label}</title></rect>`,
      );
      if (cellWidth >= 44) marks.push(html`<text x="${px(left + cellWidth / 2)}" y="${px(y + rowHeight / 2 + 4)}" text-anchor="middle">${score2(v)}${isTop ? ' ★' : ''}</text>`);
    });
    if (s.rank) marks.push(html`<text class="muted" x="${px(left + cellWidth / 2)}" y="${top - 6}" text-anchor="middle">${s.rank}</text>`);
  }
  // At most about eight time labels, so they never overlap.
  const step = Math.ceil(segments.length / 8);
  const ticks = [...new Set([...segments.filter((_, i) => i % step === 0).map((s) => s.start), duration])];
  for (const t of ticks) {
    marks.push(html`<line class="axis" x1="${px(x(t))}" x2="${px(x(t))}" y1="${bottom}" y2="${bottom + 4}"/><text class="muted" x="${px(x(t))}" y="${bottom + 16}" text-anchor="${t === duration ? 'end' : 'middle'}">${clock(t)}</text>`);
  }
  const description = segments
    .map((s) => `${clock(s.start)}–${clock(s.end)}${s.rank ? ` (${s.rank})` : ''}: ${labels.map((l, i) => `${l} ${score2(s.scores[i]!)}`).join(', ')}`)
    .join('; ');
  return figure(title, description, width, bottom + 22, marks, 'Each column is a segment; darker is higher; ★ and an outline mark a score at or above its threshold.');
}
