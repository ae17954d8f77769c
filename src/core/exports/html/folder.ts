// The report of a set of scored songs (a folder, or one results file): how
// many, the mean of each dimension, how many reach the top tier, a histogram
// per dimension, and a static table of every song.
import { relative } from 'node:path';
import { HearError } from '../../errors';
import { commonFolder } from '../../compare/pairing';
import type { ScoredSong } from '../../labels';
import { labelScores, mean, sharedLabels } from '../../song-values';
import type { SongFailure } from '../../types';
import { histogram } from './distributions';
import { html, score2 } from './markup';
import { distinctModels, modelNames, page, proxyWarnings } from './page';

export interface FolderReportOptions {
  /** What the songs are, for the heading (default: the folder holding them all). */
  title?: string;
  /** Song names are shown relative to this folder (default: the folder holding them all). */
  root?: string;
  /** Files that could not be scored, listed at the end. */
  failures?: readonly SongFailure[];
}

/** A standalone HTML page for many songs. */
export function folderReportHtml(songs: readonly ScoredSong[], options: FolderReportOptions = {}): string {
  if (songs.length === 0) throw new HearError('BAD_LABELS', 'no scored songs to report', options.title);
  const root = options.root ?? commonFolder(songs.map((s) => s.file));
  const title = options.title ?? root;
  const labels = sharedLabels(songs);
  const thresholds = labels.map((l) => songs[0]!.thresholds[songs[0]!.labels.indexOf(l)]!);
  const rows = songs
    .map((song) => ({ name: relative(root, song.file).replace(/\\/g, '/') || song.file, values: labelScores(song, labels) }))
    .sort((x, y) => x.name.localeCompare(y.name, 'en', { numeric: true }));
  const column = (c: number) => rows.map((r) => r.values[c]!);
  const isTop = (values: number[], c: number) => values[c]! >= thresholds[c]!;
  const allTop = (values: number[]) => labels.every((_, c) => isTop(values, c));
  const topCount = (c: number) => rows.filter((r) => isTop(r.values, c)).length;
  const allTopCount = rows.filter((r) => allTop(r.values)).length;
  const models = distinctModels(songs.map((s) => s.model));
  const failures = options.failures ?? [];
  const percent = (n: number) => `${Math.round((n / rows.length) * 100)}%`;

  const body = html`<h1>HEAR report: ${title}</h1>
<p class="sub">${songs.length} songs scored by ${modelNames(models)}.</p>
${proxyWarnings(models)}
${models.length > 1 ? html`<p class="warning" role="note">These songs were scored by ${models.length} different models; their scores do not compare directly.</p>` : ''}
<p class="headline"><strong>${allTopCount}</strong> of ${rows.length} songs (${percent(allTopCount)}) are <span class="star">★</span> top tier in every dimension; mean overall <strong>${score2(mean(column(labels.length)))}</strong>.</p>
<h2>Summary</h2>
<table><thead><tr><th>Dimension</th><th>Mean</th><th>Min</th><th>Max</th><th>Top-tier threshold</th><th>Top tier</th></tr></thead><tbody>
${[...labels, 'overall'].map((label, c) => {
  const values = column(c);
  const threshold = c < labels.length && Number.isFinite(thresholds[c]) ? score2(thresholds[c]!) : '';
  const top = c < labels.length ? `${topCount(c)} (${percent(topCount(c))})` : `${allTopCount} in all (${percent(allTopCount)})`;
  return html`<tr><td>${label}</td><td>${score2(mean(values))}</td><td>${score2(Math.min(...values))}</td><td>${score2(Math.max(...values))}</td><td>${threshold}</td><td>${top}</td></tr>\n`;
})}</tbody></table>
<h2>Distributions</h2>
<div class="charts">
${[...labels, 'overall'].map((label, c) => histogram(`${label}: songs per score`, [{ name: label, tone: 'one', values: column(c) }], c < labels.length ? thresholds[c]! : Number.NaN))}
</div>
<h2>Songs</h2>
<div class="wide"><table><thead><tr><th>Song</th><th>Overall</th>${labels.map((l) => html`<th>${l}</th>`)}<th>Top tier</th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr><td class="song">${r.name}</td><td>${score2(r.values[labels.length]!)}</td>${labels.map((_, c) =>
      html`<td>${score2(r.values[c]!)}${isTop(r.values, c) ? html` <span class="star">★</span>` : ''}</td>`,
    )}<td>${allTop(r.values) ? html`<span class="star">★</span> all` : ''}</td></tr>\n`,
)}</tbody></table></div>
<p class="note">★ marks a score at or above its dimension's top-tier threshold.</p>
${failures.length ? html`<h2>Not scored</h2><ul>${failures.map((f) => html`<li>${f.error}</li>`)}</ul>` : ''}`;
  return page(`HEAR report: ${title}`, body);
}
