// `hear compare A B`: is checkpoint B's music better than checkpoint A's, per
// dimension and overall? Means, the difference B - A with a bootstrap
// confidence interval, a rank test (paired Wilcoxon when the songs pair up,
// Mann-Whitney U otherwise), Holm's correction across the dimensions, the
// paired win rate, top-tier rates, and a verdict per row.
import { HearError } from '../errors';
import type { ScoredSong } from '../labels';
import { labelScores, mean, sharedLabels } from '../song-values';
import type { ModelRef } from '../types';
import { pairedMeanDifferenceCI, unpairedMeanDifferenceCI } from './bootstrap';
import { pairSongs } from './pairing';
import { holmAdjust, mannWhitneyU, wilcoxonSignedRank, type TestMethod } from './rankTests';

export const DEFAULT_SEED = 20260;
export const DEFAULT_RESAMPLES = 10000;
export const DEFAULT_ALPHA = 0.05;

export type Verdict = 'better' | 'worse' | 'no-evidence';

export interface ComparisonRow {
  /** A dimension, or "overall" (the mean of the compared dimensions). */
  label: string;
  meanA: number;
  meanB: number;
  /** meanB - meanA. */
  diff: number;
  ciLow: number;
  ciHigh: number;
  test: 'wilcoxon' | 'mann-whitney';
  method: TestMethod;
  pValue: number;
  /** Holm-adjusted across the dimensions; the overall row is a single test and keeps its p-value. */
  pAdjusted: number;
  /** Paired only: share of pairs where B scores higher (ties count as not higher). */
  winRate: number | null;
  wins: number | null;
  ties: number | null;
  losses: number | null;
  /** Share of songs at or above the threshold (overall: every dimension at or above); null when unknown. */
  topTierRateA: number | null;
  topTierRateB: number | null;
  verdict: Verdict;
}

export interface ComparedSide {
  /** What the user named: a folder or a results file. */
  name: string;
  songs: number;
  /** Models that scored this side (usually one). */
  models: ModelRef[];
}

export interface ChangedSong {
  fileA: string;
  fileB: string;
  /** Overall B - A. */
  diff: number;
}

export interface Comparison {
  a: ComparedSide;
  b: ComparedSide;
  labels: string[];
  paired: boolean;
  pairs: number;
  pairedByPath: number;
  pairedByName: number;
  /** Songs left out of the paired statistics (no partner). */
  unpairedA: number;
  unpairedB: number;
  alpha: number;
  confidence: number;
  resamples: number;
  seed: number;
  correction: 'holm';
  /** One row per compared dimension, then "overall". */
  rows: ComparisonRow[];
  /** Paired only: the songs whose overall score changed most, largest change first. */
  mostChanged: ChangedSong[];
  /** Things a reader must know (different models, proxy model, few pairs). */
  warnings: string[];
  /** One line: what got better, what got worse. */
  summary: string;
}

export interface CompareOptions {
  nameA?: string;
  nameB?: string;
  /** The folders each side was scored from, for pairing by relative path. */
  rootA?: string;
  rootB?: string;
  alpha?: number;
  resamples?: number;
  seed?: number;
  confidence?: number;
  /** How many most-changed songs to list. */
  mostChanged?: number;
}

/** The labels both sides scored, in A's order, with each side's thresholds. */
function comparedLabels(a: ScoredSong[], b: ScoredSong[]): { labels: string[]; thresholdsA: number[]; thresholdsB: number[] } {
  const inB = new Set(sharedLabels(b));
  const labels = sharedLabels(a).filter((l) => inB.has(l));
  if (labels.length === 0) {
    throw new HearError('BAD_LABELS', `A (${a[0]!.labels.join(', ')}) and B (${b[0]!.labels.join(', ')}) share no scored label`);
  }
  const thresholds = (song: ScoredSong) => labels.map((l) => song.thresholds[song.labels.indexOf(l)] ?? Number.NaN);
  return { labels, thresholdsA: thresholds(a[0]!), thresholdsB: thresholds(b[0]!) };
}

function topTierRate(rows: number[][], thresholds: number[], column: number): number | null {
  const isTop = (row: number[]) =>
    column < thresholds.length ? row[column]! >= thresholds[column]! : thresholds.every((t, i) => row[i]! >= t);
  const needed = column < thresholds.length ? [thresholds[column]!] : thresholds;
  if (needed.some((t) => !Number.isFinite(t))) return null;
  return rows.filter(isTop).length / rows.length;
}

function modelsOf(songs: ScoredSong[]): ModelRef[] {
  const seen = new Map<string, ModelRef>();
  for (const s of songs) if (s.model) seen.set(`${s.model.id}@${s.model.version}`, s.model);
  return [...seen.values()];
}

function modelWarnings(a: ModelRef[], b: ModelRef[]): string[] {
  const warnings: string[] = [];
  const key = (m: ModelRef) => `${m.id}@${m.version}`;
  const all = [...a, ...b];
  if (a.length > 1 || b.length > 1 || (a.length === 1 && b.length === 1 && key(a[0]!) !== key(b[0]!))) {
    warnings.push(`A and B were not scored by one model (${[...new Set(all.map(key))].join(', ')}): differences may come from the scorer, not the music.`);
  }
  for (const m of new Map(all.map((m) => [key(m), m])).values()) {
    if (m.proxy) warnings.push(`${m.name} (${key(m)}) is a proxy model, not the published HEAR model${m.proxyNote ? `: ${m.proxyNote.replace(/\.$/, '')}` : ''}.`);
  }
  return warnings;
}

function verdictOf(pAdjusted: number, alpha: number, bHigher: boolean): Verdict {
  if (!(pAdjusted < alpha)) return 'no-evidence';
  return bHigher ? 'better' : 'worse';
}

function summaryOf(rows: ComparisonRow[], alpha: number): string {
  const dimensions = rows.filter((r) => r.label !== 'overall');
  const named = (v: Verdict) => dimensions.filter((r) => r.verdict === v).map((r) => r.label).join(', ') || 'none';
  const overall = rows.find((r) => r.label === 'overall')!;
  const change = `${overall.diff >= 0 ? '+' : ''}${overall.diff.toFixed(3)}`;
  const verdict = overall.verdict === 'no-evidence' ? 'no significant difference' : `B ${overall.verdict}`;
  return `Overall: ${verdict} (${change}); better: ${named('better')}; worse: ${named('worse')} (alpha ${alpha}, Holm across ${dimensions.length}).`;
}

/** Compare two sets of scored songs: A is the baseline, B the candidate. */
export function compareScores(a: ScoredSong[], b: ScoredSong[], options: CompareOptions = {}): Comparison {
  if (a.length === 0 || b.length === 0) {
    throw new HearError('BAD_LABELS', `nothing to compare: A has ${a.length} scored songs, B has ${b.length}`);
  }
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const boot = {
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
    confidence: options.confidence ?? 0.95,
  };
  const { labels, thresholdsA, thresholdsB } = comparedLabels(a, b);
  const pairing = pairSongs(a, b, options.rootA, options.rootB);
  // Paired statistics when at least half of the larger side pairs up; else
  // the runs are treated as different song sets.
  const paired = pairing.pairs.length >= 2 && pairing.pairs.length >= Math.max(a.length, b.length) / 2;
  const rowsA = (paired ? pairing.pairs.map((p) => p.a) : a).map((s) => labelScores(s, labels));
  const rowsB = (paired ? pairing.pairs.map((p) => p.b) : b).map((s) => labelScores(s, labels));
  const intervals = paired
    ? pairedMeanDifferenceCI(rowsA.map((ra, i) => ra.map((v, c) => rowsB[i]![c]! - v)), boot)
    : unpairedMeanDifferenceCI(rowsA, rowsB, boot);

  const names = [...labels, 'overall'];
  const partial = names.map((label, c) => {
    const colA = rowsA.map((r) => r[c]!);
    const colB = rowsB.map((r) => r[c]!);
    const meanA = mean(colA);
    const meanB = mean(colB);
    let test: Pick<ComparisonRow, 'test' | 'method' | 'pValue' | 'winRate' | 'wins' | 'ties' | 'losses'>;
    let bHigher: boolean;
    if (paired) {
      const w = wilcoxonSignedRank(colA, colB);
      const wins = colB.filter((v, i) => v > colA[i]!).length;
      const ties = colB.filter((v, i) => v === colA[i]!).length;
      test = { test: 'wilcoxon', method: w.method, pValue: w.pValue, winRate: wins / colA.length, wins, ties, losses: colA.length - wins - ties };
      bHigher = w.rPlus > w.rMinus;
    } else {
      const m = mannWhitneyU(colA, colB);
      test = { test: 'mann-whitney', method: m.method, pValue: m.pValue, winRate: null, wins: null, ties: null, losses: null };
      bHigher = m.u > (colA.length * colB.length) / 2;
    }
    return {
      label,
      meanA,
      meanB,
      diff: meanB - meanA,
      ciLow: intervals[c]!.low,
      ciHigh: intervals[c]!.high,
      ...test,
      topTierRateA: topTierRate(rowsA, thresholdsA, c),
      topTierRateB: topTierRate(rowsB, thresholdsB, c),
      bHigher,
    };
  });
  const adjusted = holmAdjust(partial.slice(0, labels.length).map((r) => r.pValue));
  const rows: ComparisonRow[] = partial.map(({ bHigher, ...row }, c) => {
    const pAdjusted = c < labels.length ? adjusted[c]! : row.pValue;
    return { ...row, pAdjusted, verdict: verdictOf(pAdjusted, alpha, bHigher) };
  });

  const modelsA = modelsOf(a);
  const modelsB = modelsOf(b);
  const warnings = modelWarnings(modelsA, modelsB);
  if (!paired && pairing.pairs.length > 0) {
    warnings.push(`Only ${pairing.pairs.length} songs pair up by path or name: compared as unpaired sets (Mann-Whitney U).`);
  }
  const mostChanged = paired
    ? pairing.pairs
        .map((p, i) => ({ fileA: p.a.file, fileB: p.b.file, diff: rowsB[i]![labels.length]! - rowsA[i]![labels.length]! }))
        .sort((x, y) => Math.abs(y.diff) - Math.abs(x.diff))
        .slice(0, options.mostChanged ?? 10)
    : [];
  return {
    a: { name: options.nameA ?? 'A', songs: a.length, models: modelsA },
    b: { name: options.nameB ?? 'B', songs: b.length, models: modelsB },
    labels,
    paired,
    pairs: pairing.pairs.length,
    pairedByPath: pairing.byPath,
    pairedByName: pairing.byName,
    unpairedA: paired ? pairing.unpairedA.length : 0,
    unpairedB: paired ? pairing.unpairedB.length : 0,
    alpha,
    confidence: boot.confidence,
    resamples: boot.resamples,
    seed: boot.seed,
    correction: 'holm',
    rows,
    mostChanged,
    warnings,
    summary: summaryOf(rows, alpha),
  };
}

/**
 * For `--fail-if-worse`: is B significantly worse on `target` (a compared
 * dimension, "overall", or "any" row)? Unknown targets are a usage error.
 */
export function isWorse(comparison: Comparison, target: string): boolean {
  const t = target.toLowerCase();
  if (t === 'any') return comparison.rows.some((r) => r.verdict === 'worse');
  const row = comparison.rows.find((r) => r.label.toLowerCase() === t);
  if (!row) throw new RangeError(`unknown dimension "${target}" (compared: ${comparison.rows.map((r) => r.label).join(', ')}, or any)`);
  return row.verdict === 'worse';
}
