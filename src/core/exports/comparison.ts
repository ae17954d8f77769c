// A comparison (hear compare) written for people and for tools: Markdown ready
// for a pull-request comment, CSV with one row per dimension, and JSON with
// every number unrounded. The number formats are shared with the CLI table.
import { stringify } from 'csv-stringify/sync';
import type { Comparison, ComparisonRow, Verdict } from '../compare/compare';
import type { ModelRef } from '../types';

export function formatScore(value: number): string {
  return value.toFixed(3);
}

/** "+0.123 [+0.050, +0.190]" */
export function formatDiff(row: Pick<ComparisonRow, 'diff' | 'ciLow' | 'ciHigh'>): string {
  const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
  return `${signed(row.diff)} [${signed(row.ciLow)}, ${signed(row.ciHigh)}]`;
}

/** p-values: two significant digits, "<0.001" below that. */
export function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toPrecision(2);
}

export function formatRate(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(0)}%`;
}

export function formatVerdict(verdict: Verdict): string {
  return verdict === 'no-evidence' ? 'no evidence' : verdict;
}

/** The columns every table of a comparison shows, as text. */
export function comparisonCells(c: Comparison): { header: string[]; rows: string[][] } {
  const header = [
    '',
    `mean A`,
    `mean B`,
    `B - A [${Math.round(c.confidence * 100)}% CI]`,
    c.paired ? 'Wilcoxon p (Holm)' : 'Mann-Whitney p (Holm)',
    ...(c.paired ? ['B wins'] : []),
    'top tier A -> B',
    'verdict',
  ];
  const rows = c.rows.map((r) => [
    r.label,
    formatScore(r.meanA),
    formatScore(r.meanB),
    formatDiff(r),
    r.label === 'overall' ? formatP(r.pValue) : `${formatP(r.pValue)} (${formatP(r.pAdjusted)})`,
    ...(c.paired ? [formatRate(r.winRate)] : []),
    `${formatRate(r.topTierRateA)} -> ${formatRate(r.topTierRateB)}`,
    formatVerdict(r.verdict),
  ]);
  return { header, rows };
}

function modelLine(models: ModelRef[]): string {
  return models.length === 0 ? 'unknown (results without model information)' : models.map((m) => `${m.name} (\`${m.id}\` ${m.version})`).join(', ');
}

/** How the songs were matched, in one sentence. */
export function pairingLine(c: Comparison): string {
  if (!c.paired) return `Unpaired: ${c.a.songs} songs in A, ${c.b.songs} in B (too few share a path or name); Mann-Whitney U.`;
  const left = c.unpairedA + c.unpairedB > 0 ? `; left out without a partner: ${c.unpairedA} in A, ${c.unpairedB} in B` : '';
  return `Paired: ${c.pairs} songs (${c.pairedByPath} by relative path, ${c.pairedByName} by file name)${left}; Wilcoxon signed-rank.`;
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

/** Markdown for a pull-request comment. */
export function comparisonMarkdown(c: Comparison): string {
  const { header, rows } = comparisonCells(c);
  const sameModel = JSON.stringify(c.a.models) === JSON.stringify(c.b.models);
  const lines = [
    `### HEAR comparison: ${escapeCell(c.b.name)} (B) vs ${escapeCell(c.a.name)} (A)`,
    '',
    sameModel ? `Scored by ${modelLine(c.a.models)}.` : `A scored by ${modelLine(c.a.models)}; B scored by ${modelLine(c.b.models)}.`,
    '',
    ...c.warnings.map((w) => `> **Warning:** ${w}`),
    ...(c.warnings.length ? [''] : []),
    `| ${header.map(escapeCell).join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 || i === header.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map((cell, i) => (i === 0 ? `**${escapeCell(cell)}**` : escapeCell(cell))).join(' | ')} |`),
    '',
    `**Verdict:** ${c.summary}`,
    '',
    `<sub>${pairingLine(c)} ${c.resamples} bootstrap resamples (seed ${c.seed}); p-values of the dimensions Holm-corrected across ${c.labels.length}.</sub>`,
    '',
  ];
  return lines.join('\n');
}

/** One row per dimension and overall, every number unrounded. */
export function comparisonCsv(c: Comparison): string {
  const columns = [
    'label', 'meanA', 'meanB', 'diff', 'ciLow', 'ciHigh', 'test', 'method', 'pValue', 'pAdjusted',
    'winRate', 'wins', 'ties', 'losses', 'topTierRateA', 'topTierRateB', 'verdict',
  ] as const;
  return stringify([[...columns], ...c.rows.map((r) => columns.map((k) => (r[k] === null ? '' : String(r[k]))))]);
}

export function comparisonJson(c: Comparison): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}
