// Rank tests for comparing two sets of scores, two-sided, mirroring scipy
// (checked against scipy 1.10 goldens from scripts/golden_stats.py):
// - paired: Wilcoxon signed-rank, zero differences dropped ("wilcox"), no
//   continuity correction; exact null distribution when there are at most 50
//   differences with no zeros and no ties, else the normal approximation with
//   the tie correction.
// - unpaired: Mann-Whitney U with scipy's "auto" rule: exact when one sample
//   has at most 8 values and there are no ties, else the normal approximation
//   with tie and continuity corrections.
// Hand-written: no maintained npm package has Mann-Whitney U with these rules,
// and @stdlib/stats-wilcoxon follows R's defaults (continuity correction,
// different exact rule), so p-values would not match scipy's.
import erfc from '@stdlib/math-base-special-erfc';
import { averageRanks } from '../metrics';

export type TestMethod = 'exact' | 'normal';

/** P(Z >= z) for a standard normal Z. */
function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Sum of t^3 - t over groups of equal values (t = group size): the tie correction term. */
function tieTerm(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  let term = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      term += run * run * run - run;
      run = 1;
    }
  }
  return term;
}

export interface WilcoxonResult {
  /** min(rPlus, rMinus), as scipy reports for a two-sided test. */
  statistic: number;
  /** Rank sum of the positive differences (b > a). */
  rPlus: number;
  rMinus: number;
  /** Non-zero differences the test used. */
  n: number;
  /** Pairs with b == a, dropped. */
  zeros: number;
  pValue: number;
  method: TestMethod;
}

/** Counts of each positive-rank sum 0..n(n+1)/2 when every sign is equally likely. */
function signedRankCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) {
    for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s]! += counts[s - k]!;
  }
  return counts; // at most 2^50 each for n <= 50: exact in a double
}

/** Wilcoxon signed-rank test of the differences b[i] - a[i], two-sided. */
export function wilcoxonSignedRank(a: ArrayLike<number>, b: ArrayLike<number>): WilcoxonResult {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const diffs: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const d = b[i]! - a[i]!;
    if (d !== 0) diffs.push(d);
  }
  const zeros = a.length - diffs.length;
  const n = diffs.length;
  if (n === 0) return { statistic: 0, rPlus: 0, rMinus: 0, n, zeros, pValue: 1, method: 'normal' };
  const magnitudes = diffs.map(Math.abs);
  const ranks = averageRanks(magnitudes);
  let rPlus = 0;
  let rMinus = 0;
  diffs.forEach((d, i) => (d > 0 ? (rPlus += ranks[i]!) : (rMinus += ranks[i]!)));
  const statistic = Math.min(rPlus, rMinus);
  const ties = tieTerm(magnitudes);

  if (n <= 50 && zeros === 0 && ties === 0) {
    const counts = signedRankCounts(n);
    const total = 2 ** n;
    const center = Math.floor((counts.length - 1) / 2);
    let pValue = 1;
    if (rPlus !== center) {
      let less = 0;
      let greater = 0;
      for (let s = 0; s <= rPlus; s++) less += counts[s]!;
      for (let s = rPlus; s < counts.length; s++) greater += counts[s]!;
      pValue = Math.min(1, (2 * Math.min(less, greater)) / total);
    }
    return { statistic, rPlus, rMinus, n, zeros, pValue, method: 'exact' };
  }
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1) - 0.5 * ties) / 24);
  const z = (statistic - mean) / sd;
  return { statistic, rPlus, rMinus, n, zeros, pValue: Math.min(1, 2 * normalSf(Math.abs(z))), method: 'normal' };
}

export interface MannWhitneyResult {
  /** U of b: how many (a, b) pairs have b > a, ties counting one half. */
  u: number;
  pValue: number;
  method: TestMethod;
}

/**
 * P(U >= u) under the null for samples of sizes m and n (no ties): the counts
 * are the coefficients of the Gaussian binomial [m+n choose m]_q, built as
 * prod_{i=1..k} (1 - q^(other+i)) / (1 - q^i) over the smaller size k, so a
 * sample of 8 against thousands stays O(k^2 * other).
 */
function mannWhitneySf(u: number, m: number, n: number): number {
  const k = Math.min(m, n);
  const other = Math.max(m, n);
  const degree = k * other;
  const c = new Float64Array(degree + 1);
  c[0] = 1;
  for (let i = 1; i <= k; i++) {
    const shift = other + i;
    for (let d = degree; d >= shift; d--) c[d]! -= c[d - shift]!;
    for (let d = i; d <= degree; d++) c[d]! += c[d - i]!;
  }
  // The distribution is symmetric: P(U >= u) = P(U <= mn - u).
  let below = 0;
  let total = 0;
  for (let d = 0; d <= degree; d++) {
    total += c[d]!;
    if (d <= degree - u) below += c[d]!;
  }
  return below / total;
}

/** Mann-Whitney U test of b against a, two-sided. */
export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): MannWhitneyResult {
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0) throw new RangeError('Mann-Whitney U needs at least one value on each side');
  const both = new Float64Array(nA + nB);
  both.set(Array.from(b), 0);
  both.set(Array.from(a), nB);
  const ranks = averageRanks(both);
  let rankSumB = 0;
  for (let i = 0; i < nB; i++) rankSumB += ranks[i]!;
  const u = rankSumB - (nB * (nB + 1)) / 2;
  const larger = Math.max(u, nA * nB - u);
  const ties = tieTerm(both);

  if (Math.min(nA, nB) <= 8 && ties === 0) {
    return { u, pValue: Math.min(1, 2 * mannWhitneySf(larger, nA, nB)), method: 'exact' };
  }
  const total = nA + nB;
  const sd = Math.sqrt(((nA * nB) / 12) * (total + 1 - ties / (total * (total - 1))));
  // sd is 0 only when every value is equal: no evidence either way.
  const pValue = sd > 0 ? Math.min(1, 2 * normalSf((larger - (nA * nB) / 2 - 0.5) / sd)) : 1;
  return { u, pValue, method: 'normal' };
}

/** Holm's step-down adjustment: family-wise error control across several tests. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]!);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[i]!));
    adjusted[i] = running;
  });
  return adjusted;
}
