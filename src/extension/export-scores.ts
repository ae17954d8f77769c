// Export Scores: the songs' results as CSV, JSON or a Markdown table. Pure
// functions over SongScore so unit tests read the output back.
import * as path from 'node:path';
import type { SongScore } from '../core/types';

export type ExportFormat = 'csv' | 'json' | 'markdown';

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Columns follow the first song's labels; every song of one model has the same labels. */
export function scoresCsv(scores: readonly SongScore[]): string {
  const labels = scores[0]?.labels ?? [];
  const header = ['file', 'overall', ...labels, 'top_tier', 'model', 'model_version', 'proxy', 'provider', 'scored_at'];
  const rows = scores.map((s) => [
    s.file,
    s.overall.toFixed(4),
    ...s.scores.map((v) => v.toFixed(4)),
    s.allTopTier,
    s.model.id,
    s.model.version,
    s.model.proxy,
    s.provider,
    s.scoredAt,
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

export function scoresJson(scores: readonly SongScore[]): string {
  return JSON.stringify(scores, null, 2) + '\n';
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function scoresMarkdown(scores: readonly SongScore[], root?: string): string {
  const labels = scores[0]?.labels ?? [];
  const lines = [
    `| Song | Overall | ${labels.join(' | ')} | Top-tier |`,
    `|---|---:|${labels.map(() => '---:').join('|')}|:---:|`,
    ...scores.map((s) => {
      const name = root ? path.relative(root, s.file).split(path.sep).join('/') : path.basename(s.file);
      const dims = s.scores.map((v, i) => `${v.toFixed(2)}${s.topTier[i] ? ' ★' : ''}`);
      return `| ${mdCell(name)} | ${s.overall.toFixed(2)} | ${dims.join(' | ')} | ${s.allTopTier ? '★' : ''} |`;
    }),
  ];
  const models = [...new Map(scores.map((s) => [`${s.model.id}@${s.model.version}`, s.model])).values()];
  lines.push('', `Scored with ${models.map((m) => `${m.name} ${m.version}${m.proxy ? ' (proxy model)' : ''}`).join(', ') || 'no model'}; ★ = at or above the top-tier threshold.`);
  return lines.join('\n') + '\n';
}

export function exportScores(scores: readonly SongScore[], format: ExportFormat, root?: string): string {
  const sorted = [...scores].sort((a, b) => a.file.localeCompare(b.file));
  if (format === 'csv') return scoresCsv(sorted);
  if (format === 'json') return scoresJson(sorted);
  return scoresMarkdown(sorted, root);
}
