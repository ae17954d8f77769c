// The official SongEval / HEAR evaluation metrics: LCC (Pearson), SRCC
// (Spearman), KTAU (Kendall tau-b) and TTA (top-tier F1), per dimension and
// as the mean over dimensions, at utterance level (one point per song) and at
// system level (one point per system: the mean of its songs).
//
// Hand-written because no maintained JavaScript statistics library computes
// Kendall's tau-b with ties the way scipy does (simple-statistics and jStat
// have no tau-b; the small tau packages are O(n^2) and treat ties differently),
// and users evaluate thousands of songs, so tau-b must be O(n log n) (Knight's
// algorithm). Every function here is checked against scipy goldens
// (scripts/golden_stats.py).
import { HearError } from './errors';
import { matchPredictions, systemOf, type LabelSet, type MatchedSong, type ScoredSong } from './labels';
import { OFFICIAL_THRESHOLDS, type Dimension } from './types';

/** The four official metrics for one dimension. */
export interface MetricValues {
  lcc: number;
  srcc: number;
  ktau: number;
  tta: number;
}

export const METRIC_NAMES = ['lcc', 'srcc', 'ktau', 'tta'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface DimensionMetrics {
  dimension: string;
  /** Top-tier threshold used for TTA. */
  threshold: number;
  values: MetricValues;
}

export interface MetricsTable {
  /** Number of points (songs, or systems) each metric was computed over. */
  n: number;
  dimensions: DimensionMetrics[];
  /** Mean of each metric over the dimensions. */
  mean: MetricValues;
}

/** Official rounding for display: 3 decimals (JSON keeps full precision too). */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** The official rule: an undefined correlation (zero variance, NaN) counts as 0. */
function definedOrZero(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function checkLengths(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new RangeError(`length mismatch: ${x.length} vs ${y.length}`);
}

/**
 * Ranks 1..n with ties given the average of the ranks they span
 * (scipy.stats.rankdata's default "average" method).
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson's r (LCC); 0 when either side is constant or n < 2. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(x, y);
  const n = x.length;
  if (n < 2) return 0;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return 0;
  const r = sxy / Math.sqrt(sxx) / Math.sqrt(syy);
  return definedOrZero(Math.max(-1, Math.min(1, r)));
}

/** Spearman's rho (SRCC): Pearson's r of the average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

/** Number of pairs tied within runs of equal values of a sorted array. */
function tiedPairs(sorted: ArrayLike<number>): number {
  let pairs = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) {
      run++;
    } else {
      pairs += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return pairs;
}

/**
 * Sorts `values` in place (stable merge sort) and returns how many swaps an
 * exchange sort would need: the number of strictly discordant pairs.
 */
function countInversions(values: Float64Array): number {
  const n = values.length;
  let src: Float64Array = values;
  let dst: Float64Array = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j]! < src[i]!) {
          swaps += mid - i;
          dst[k++] = src[j++]!;
        } else {
          dst[k++] = src[i++]!;
        }
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  if (src !== values) values.set(src);
  return swaps;
}

/**
 * Kendall's tau-b (KTAU), scipy's default variant, in O(n log n) with
 * Knight's algorithm: sort by (x, y), count x ties and joint ties, then count
 * discordant pairs as the inversions of y in that order, then y ties.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(x, y);
  const n = x.length;
  if (n < 2) return 0;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i]!) || Number.isNaN(y[i]!)) return 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  let xTies = 0;
  let jointTies = 0;
  let xRun = 1;
  let jointRun = 1;
  for (let k = 1; k <= n; k++) {
    const sameX = k < n && x[order[k]!] === x[order[k - 1]!];
    const sameXY = sameX && y[order[k]!] === y[order[k - 1]!];
    if (sameXY) {
      jointRun++;
    } else {
      jointTies += (jointRun * (jointRun - 1)) / 2;
      jointRun = 1;
    }
    if (sameX) {
      xRun++;
    } else {
      xTies += (xRun * (xRun - 1)) / 2;
      xRun = 1;
    }
  }
  const ys = Float64Array.from(order, (i) => y[i]!);
  const discordant = countInversions(ys);
  const yTies = tiedPairs(ys);
  const total = (n * (n - 1)) / 2;
  if (total === xTies || total === yTies) return 0;
  const tau = (total - xTies - yTies + jointTies - 2 * discordant) / Math.sqrt(total - xTies) / Math.sqrt(total - yTies);
  return definedOrZero(Math.max(-1, Math.min(1, tau)));
}

/**
 * TTA: F1 of the decision `score >= threshold` on both sides, with the
 * official 1e-8 guards (P = TP/(TP+FP+1e-8), R = TP/(TP+FN+1e-8),
 * F1 = 2PR/(P+R+1e-8)).
 */
export function topTierF1(predicted: ArrayLike<number>, truth: ArrayLike<number>, threshold: number): number {
  checkLengths(predicted, truth);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]! >= threshold;
    const t = truth[i]! >= threshold;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const precision = tp / (tp + fp + 1e-8);
  const recall = tp / (tp + fn + 1e-8);
  return (2 * precision * recall) / (precision + recall + 1e-8);
}

export function metricValues(predicted: ArrayLike<number>, truth: ArrayLike<number>, threshold: number): MetricValues {
  return {
    lcc: pearson(predicted, truth),
    srcc: spearman(predicted, truth),
    ktau: kendallTauB(predicted, truth),
    tta: topTierF1(predicted, truth, threshold),
  };
}

/** One dimension's predicted and true values over the same points. */
export interface DimensionSeries {
  dimension: string;
  threshold: number;
  predicted: ArrayLike<number>;
  truth: ArrayLike<number>;
}

/** The official table: every metric per dimension, and their mean over dimensions. */
export function metricsTable(series: DimensionSeries[]): MetricsTable {
  if (series.length === 0) throw new RangeError('no dimensions to evaluate');
  const dimensions = series.map((s) => ({
    dimension: s.dimension,
    threshold: s.threshold,
    values: metricValues(s.predicted, s.truth, s.threshold),
  }));
  const meanValues = Object.fromEntries(
    METRIC_NAMES.map((m) => [m, mean(dimensions.map((d) => d.values[m]))]),
  ) as unknown as MetricValues;
  return { n: series[0]!.truth.length, dimensions, mean: meanValues };
}

export interface SystemTable extends MetricsTable {
  key: string;
  /** Each system and how many matched songs it has. */
  systems: { name: string; songs: number }[];
  /** Matched songs the key gave no system for (left out of the system level). */
  withoutSystem: number;
}

export interface Evaluation {
  labelsFile: string;
  dimensions: string[];
  matched: number;
  /** Labelled songs with no prediction, by their labelled file name. */
  unmatchedLabels: string[];
  /** Predicted files the labels do not name. */
  unmatchedPredictions: string[];
  utterance: MetricsTable;
  system?: SystemTable;
}

export interface EvaluateOptions {
  /** Which labelled dimensions to evaluate (Track 1: ["Musicality"]); default all labelled. */
  dimensions?: string[];
  /** Group songs into systems for system-level metrics; see `systemOf`. */
  systemKey?: string;
}

/** Per dimension, the index of that label in each prediction (labels are matched case-insensitively). */
function labelIndex(prediction: ScoredSong, dimension: string): number {
  const i = prediction.labels.findIndex((l) => l.toLowerCase() === dimension.toLowerCase());
  if (i < 0) {
    throw new HearError('BAD_LABELS', `has no "${dimension}" score (labels: ${prediction.labels.join(', ')})`, prediction.file);
  }
  return i;
}

function seriesOf(songs: MatchedSong[], dimensions: string[]): DimensionSeries[] {
  return dimensions.map((dimension) => ({
    dimension,
    threshold: OFFICIAL_THRESHOLDS[dimension as Dimension],
    predicted: songs.map((s) => s.prediction.scores[labelIndex(s.prediction, dimension)]!),
    truth: songs.map((s) => s.label.values[dimension]!),
  }));
}

function systemTable(songs: MatchedSong[], dimensions: string[], key: string, labels: LabelSet): SystemTable {
  const special = key === 'dir' || key.startsWith('re:');
  if (!special && !labels.songs.some((s) => key in s.fields)) {
    const fields = [...new Set(labels.songs.flatMap((s) => Object.keys(s.fields)))];
    throw new HearError('BAD_LABELS', `no field "${key}" for --system-key (fields: ${fields.join(', ') || 'none'}; or use dir, re:PATTERN)`, labels.file);
  }
  const groups = new Map<string, MatchedSong[]>();
  let withoutSystem = 0;
  for (const song of songs) {
    const system = systemOf(song, key);
    if (system === undefined) withoutSystem++;
    else if (groups.has(system)) groups.get(system)!.push(song);
    else groups.set(system, [song]);
  }
  const names = [...groups.keys()].sort();
  const meanOf = (group: MatchedSong[], pick: (s: MatchedSong) => number) => mean(group.map(pick));
  const table = metricsTable(
    dimensions.map((dimension) => ({
      dimension,
      threshold: OFFICIAL_THRESHOLDS[dimension as Dimension],
      predicted: names.map((n) => meanOf(groups.get(n)!, (s) => s.prediction.scores[labelIndex(s.prediction, dimension)]!)),
      truth: names.map((n) => meanOf(groups.get(n)!, (s) => s.label.values[dimension]!)),
    })),
  );
  return { ...table, key, systems: names.map((name) => ({ name, songs: groups.get(name)!.length })), withoutSystem };
}

/**
 * `hear eval`: match predictions to labels by file stem, then the official
 * metrics at utterance level and, with a system key, at system level.
 */
export function evaluate(labels: LabelSet, predictions: ScoredSong[], options: EvaluateOptions = {}): Evaluation {
  const dimensions = options.dimensions ?? labels.dimensions;
  for (const d of dimensions) {
    if (!labels.dimensions.includes(d)) {
      throw new HearError('BAD_LABELS', `"${d}" is not labelled for every song (labelled: ${labels.dimensions.join(', ')})`, labels.file);
    }
  }
  const matching = matchPredictions(labels.songs, predictions);
  if (matching.matched.length < 2) {
    throw new HearError('BAD_LABELS', `only ${matching.matched.length} of ${labels.songs.length} labelled songs have a prediction (matched by file stem)`, labels.file);
  }
  return {
    labelsFile: labels.file,
    dimensions,
    matched: matching.matched.length,
    unmatchedLabels: matching.unmatchedLabels.map((l) => l.file),
    unmatchedPredictions: matching.unmatchedPredictions.map((p) => p.file),
    utterance: metricsTable(seriesOf(matching.matched, dimensions)),
    ...(options.systemKey ? { system: systemTable(matching.matched, dimensions, options.systemKey, labels) } : {}),
  };
}
