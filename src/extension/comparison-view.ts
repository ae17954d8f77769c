// What the comparison panel shows, built from a Comparison and the songs it
// compared: the table as `hear compare` prints it, each dimension's histogram
// in A and B, A against B per pair, and the songs that changed most. Pure (no
// vscode import): the engine's functions come in as `core`, loaded lazily by
// the caller, so unit tests pass the engine module itself.
import type { Comparison, CompareOptions } from '../core/compare/compare';
import type { ScoredSong } from '../core/labels';
import type { ModelRef } from '../core/types';
import type { ComparisonSeries, ComparisonView } from '../webview/protocol';
import { modelLabel } from './format';

type Core = typeof import('../core/index');
export type ComparisonCore = Pick<Core, 'comparisonCells' | 'pairingLine' | 'pairSongs' | 'labelScores'>;

/** Histogram bins over the score range 1..5, a quarter point wide. */
export const BIN_EDGES: readonly number[] = Array.from({ length: 17 }, (_, i) => 1 + i * 0.25);

/** How many values fall in each bin; the last bin holds its upper edge too (a score of exactly 5). */
export function binCounts(values: readonly number[], edges: readonly number[] = BIN_EDGES): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 2;
  for (const v of values) {
    if (v < edges[0]! || v > edges[edges.length - 1]!) continue;
    let i = edges.findIndex((e, k) => k > 0 && v < e) - 1;
    if (i < 0) i = last;
    counts[i]!++;
  }
  return counts;
}

function modelsLine(a: ModelRef[], b: ModelRef[]): string {
  const names = (models: ModelRef[]) => (models.length ? models.map(modelLabel).join(', ') : 'an unknown model');
  return JSON.stringify(a) === JSON.stringify(b) ? `Scored by ${names(a)}.` : `A scored by ${names(a)}; B scored by ${names(b)}.`;
}

/**
 * The panel's data. `a` / `b` and `roots` must be what compareScores was given,
 * so the charts show the songs the statistics used (the pairs, when paired).
 */
export function comparisonView(
  core: ComparisonCore,
  c: Comparison,
  a: readonly ScoredSong[],
  b: readonly ScoredSong[],
  roots: Pick<CompareOptions, 'rootA' | 'rootB'>,
): ComparisonView {
  const pairing = core.pairSongs([...a], [...b], roots.rootA, roots.rootB);
  const used = c.paired ? { a: pairing.pairs.map((p) => p.a), b: pairing.pairs.map((p) => p.b) } : { a, b };
  const valuesA = used.a.map((s) => core.labelScores(s, c.labels));
  const valuesB = used.b.map((s) => core.labelScores(s, c.labels));
  const names = [...c.labels, 'overall'];
  const first = a[0]!;
  const series: ComparisonSeries[] = names.map((label, k) => {
    const t = first.thresholds[first.labels.indexOf(label)];
    return {
      label,
      threshold: t !== undefined && Number.isFinite(t) ? t : null,
      edges: [...BIN_EDGES],
      countsA: binCounts(valuesA.map((v) => v[k]!)),
      countsB: binCounts(valuesB.map((v) => v[k]!)),
      pairs: c.paired ? pairing.pairs.map((p, i) => ({ name: p.key, a: valuesA[i]![k]!, b: valuesB[i]![k]! })) : [],
    };
  });
  const pairOf = new Map(pairing.pairs.map((p, i) => [p.a.file, { key: p.key, i }]));
  const overall = names.length - 1;
  const changed = c.mostChanged.map((m) => {
    const pair = pairOf.get(m.fileA)!;
    return { name: pair.key, fileA: m.fileA, fileB: m.fileB, overallA: valuesA[pair.i]![overall]!, overallB: valuesB[pair.i]![overall]!, diff: m.diff };
  });
  const { header, rows } = core.comparisonCells(c);
  return {
    nameA: c.a.name,
    nameB: c.b.name,
    songsA: c.a.songs,
    songsB: c.b.songs,
    models: modelsLine(c.a.models, c.b.models),
    header,
    rows: rows.map((cells, i) => ({ label: c.rows[i]!.label, cells, verdict: c.rows[i]!.verdict })),
    summary: c.summary,
    method: `${core.pairingLine(c)} ${c.resamples} bootstrap resamples (seed ${c.seed}); p-values of the dimensions Holm-corrected across ${c.labels.length}; verdicts at alpha ${c.alpha}.`,
    warnings: c.warnings,
    paired: c.paired,
    series,
    changed,
  };
}
