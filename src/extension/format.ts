// How a score reads in the Songs view, the Explorer badges and the status bar.
// Pure functions (no vscode import) so unit tests and the tree benchmark run in
// plain Node.
import type { ModelRef, SongScore } from '../core/types';

/** Where a song stands against the thresholds; picks its theme colour. */
export type Band = 'top' | 'some' | 'none';

export function bandOf(score: SongScore): Band {
  if (score.allTopTier) return 'top';
  return score.topTier.some(Boolean) ? 'some' : 'none';
}

/** Theme colour ids (VS Code's chart palette) per band. */
export const BAND_COLOR: Readonly<Record<Band, string>> = {
  top: 'charts.green',
  some: 'charts.yellow',
  none: 'charts.red',
};

export function formatScore(value: number): string {
  return value.toFixed(2);
}

/**
 * Explorer badges hold at most two characters, too few for "3.42". A top-tier
 * song (every dimension at or above its threshold) gets "★"; any other song its
 * overall score's whole part, with "+" when the fraction is .5 or more: 3.42 ->
 * "3", 3.61 -> "3+". The tooltip carries the exact numbers.
 */
export function badgeOf(score: SongScore): string {
  if (score.allTopTier) return '★';
  const whole = Math.floor(score.overall);
  return score.overall - whole >= 0.5 ? `${whole}+` : `${whole}`;
}

export function modelLabel(model: ModelRef): string {
  return `${model.name} ${model.version}${model.proxy ? ' (proxy)' : ''}`;
}

/** "3.42 ★" in the tree: the overall score, a star when top-tier in all five. */
export function songDescription(score: SongScore): string {
  return score.allTopTier ? `${formatScore(score.overall)} ★` : formatScore(score.overall);
}

/** One line per dimension: "✓ Coherence 4.12 (≥ 4.00)". */
export function dimensionLine(score: SongScore, i: number): string {
  return `${score.topTier[i] ? '✓' : '✗'} ${score.labels[i]} ${formatScore(score.scores[i])} (≥ ${formatScore(score.thresholds[i])})`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** Markdown for a song's tooltip: every dimension against its threshold, and the model. */
export function songTooltip(score: SongScore, name: string): string {
  const rows = score.labels.map(
    (label, i) => `| ${label} | ${formatScore(score.scores[i])} | ${formatScore(score.thresholds[i])} | ${score.topTier[i] ? '✓' : ''} |`,
  );
  const lines = [
    `**${escapeMarkdown(name)}** — overall ${formatScore(score.overall)}${score.allTopTier ? ' ★ top-tier' : ''}`,
    '',
    '| Dimension | Score | Threshold | Top-tier |',
    '|---|---:|---:|:---:|',
    ...rows,
    '',
    `Model: ${escapeMarkdown(modelLabel(score.model))} · ${escapeMarkdown(score.provider)} · ${(score.timings.totalMs / 1000).toFixed(1)} s`,
  ];
  if (score.model.proxy) {
    lines.push('', `$(warning) Proxy model: ${escapeMarkdown(score.model.proxyNote ?? 'not the published HEAR weights; scores approximate them')}`);
  }
  return lines.join('\n');
}

export interface FolderStats {
  songs: number;
  scored: number;
  failed: number;
  mean: number | undefined;
  topTier: number;
}

export function folderStats(files: Iterable<string>, scoreOf: (file: string) => SongScore | undefined, failed: (file: string) => boolean): FolderStats {
  let songs = 0;
  let scored = 0;
  let failures = 0;
  let sum = 0;
  let topTier = 0;
  for (const f of files) {
    songs++;
    const s = scoreOf(f);
    if (s) {
      scored++;
      sum += s.overall;
      if (s.allTopTier) topTier++;
    } else if (failed(f)) failures++;
  }
  return { songs, scored, failed: failures, mean: scored ? sum / scored : undefined, topTier };
}

/** "12 songs · mean 3.41 · 2 ★" */
export function folderDescription(stats: FolderStats): string {
  const parts = [`${stats.songs} song${stats.songs === 1 ? '' : 's'}`];
  if (stats.mean !== undefined) parts.push(`mean ${formatScore(stats.mean)}`);
  if (stats.topTier) parts.push(`${stats.topTier} ★`);
  const unscored = stats.songs - stats.scored - stats.failed;
  if (unscored) parts.push(`${unscored} unscored`);
  if (stats.failed) parts.push(`${stats.failed} failed`);
  return parts.join(' · ');
}
