// The report of one song: its scores against the thresholds, the per-segment
// timeline, the file's facts and how it was scored.
import { basename } from 'node:path';
import type { ScoredSong } from '../../labels';
import { mean, topTierOf } from '../../song-values';
import { segmentMarkers } from '../segments';
import { clock, dimensionBars, segmentTimeline } from './charts';
import { html, score2, type Markup, type Value } from './markup';
import { modelNames, page, proxyWarnings } from './page';

function facts(rows: [string, Value][]): Markup {
  return html`<dl>${rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function audioFacts(song: ScoredSong): Markup {
  const a = song.audio;
  if (!a) return html`<p class="note">These results do not include the audio's facts.</p>`;
  const tags = Object.entries(a.tags).map(([k, v]) => html`${k}: ${v}<br>`);
  return facts([
    ['Duration', `${clock(a.durationSeconds)} (${a.durationSeconds.toFixed(2)} s decoded)`],
    ['Format', a.format],
    ['Sample rate', `${a.sampleRate} Hz`],
    ['Channels', a.channels],
    ['Bit depth', a.bitsPerSample === undefined ? undefined : `${a.bitsPerSample} bit`],
    ['Bitrate', a.bitrate === undefined ? undefined : `${Math.round(a.bitrate / 1000)} kbit/s`],
    ['Decoder', a.decoder],
    ['Tags', tags.length ? tags : 'none'],
  ]);
}

function scoring(song: ScoredSong): Markup {
  const t = song.timings;
  const stages: [string, number][] = t
    ? [['decode', t.decodeMs], ['sources', t.sourcesMs], ['head', t.headMs], ['segments', t.segmentsMs], ['total', t.totalMs]]
    : [];
  return html`${facts([
    ['Model', modelNames(song.model ? [song.model] : [])],
    ['Proxy model', song.model ? (song.model.proxy ? 'yes' : 'no') : undefined],
    ['Execution provider', song.provider],
    ['Scored at', song.scoredAt],
    ['Content hash (sha256)', song.contentHash],
  ])}${
    stages.length
      ? html`<table aria-label="Time per stage"><thead><tr><th>Stage</th><th>ms</th></tr></thead><tbody>${stages.map(
          ([stage, ms]) => html`<tr><td>${stage}</td><td>${ms.toFixed(0)}</td></tr>`,
        )}</tbody></table>`
      : ''
  }`;
}

function timeline(song: ScoredSong): Markup {
  const segments = song.segments ?? [];
  if (segments.length === 0) return html`<p class="note">Scored without segments.</p>`;
  const byIndex = new Map(segments.map((s) => [s.index, s]));
  const marked = segmentMarkers({ file: song.file, labels: song.labels, segments }).map((m) => ({
    start: m.start,
    end: m.end,
    scores: byIndex.get(m.index)!.scores,
    ...(m.rank ? { rank: m.rank } : {}),
  }));
  return html`<p>${segments.length} segments of up to 30 s.</p>${segmentTimeline('Scores per segment', song.labels, song.thresholds, marked)}`;
}

/** A standalone HTML page for one song. */
export function songReportHtml(song: ScoredSong): string {
  const name = basename(song.file);
  const topTier = topTierOf(song);
  const reached = topTier.filter(Boolean).length;
  const standing = reached === song.labels.length ? html`<span class="star">★</span> top tier in every dimension` : `top tier in ${reached} of ${song.labels.length} dimensions`;
  const body = html`<h1>${name}</h1>
<p class="sub">${song.file}</p>
${proxyWarnings(song.model ? [song.model] : [])}
<p class="headline">Overall <strong>${score2(mean(song.scores))}</strong> (mean of the ${song.labels.length} dimensions) · ${standing}</p>
<h2>Dimensions</h2>
${dimensionBars('Score per dimension', song.labels.map((label, i) => ({ label, value: song.scores[i]!, threshold: song.thresholds[i]! })))}
<table><thead><tr><th>Dimension</th><th>Score</th><th>Top-tier threshold</th><th>Top tier</th></tr></thead><tbody>
${song.labels.map(
  (label, i) =>
    html`<tr><td>${label}</td><td>${score2(song.scores[i]!)}</td><td>${Number.isFinite(song.thresholds[i]) ? score2(song.thresholds[i]!) : 'none'}</td><td>${topTier[i] ? html`<span class="star">★</span> yes` : 'no'}</td></tr>\n`,
)}</tbody></table>
<h2>Timeline</h2>
${timeline(song)}
<h2>File</h2>
${audioFacts(song)}
<h2>Scoring</h2>
${scoring(song)}`;
  return page(`HEAR report: ${name}`, body);
}
