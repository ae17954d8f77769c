// Percentile bootstrap confidence intervals for the difference of means
// (B - A), for several columns at once (the dimensions and the overall score):
// every resample draws one set of songs and is applied to all columns, so the
// intervals come from the same resamples.
import { seededRandom } from './random';

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** e.g. 0.95 */
  confidence: number;
}

/** Quantile with linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/** Per-column values of the songs, one array per column (column-wise for fast sums). */
type Columns = Float64Array[];

function byColumn(rows: number[][], columns: number): Columns {
  return Array.from({ length: columns }, (_, c) => Float64Array.from(rows, (row) => row[c]!));
}

/** Adds weight x the mean of each column over `count` songs drawn with replacement into `sums`. */
function addResample(data: Columns, count: number, random: () => number, draw: Int32Array, sums: Float64Array, weight: number): void {
  for (let k = 0; k < count; k++) draw[k] = Math.floor(random() * count);
  data.forEach((column, c) => {
    let sum = 0;
    for (let k = 0; k < count; k++) sum += column[draw[k]!]!;
    sums[c]! += (weight * sum) / count;
  });
}

/**
 * Runs the resamples: each one adds its B - A per column into `sums` (zeroed
 * before it); the percentile interval of those differences per column.
 */
function bootstrap(columns: number, options: BootstrapOptions, resample: (random: () => number, sums: Float64Array) => void): Interval[] {
  const random = seededRandom(options.seed);
  const replicates = Array.from({ length: columns }, () => new Float64Array(options.resamples));
  const sums = new Float64Array(columns);
  for (let r = 0; r < options.resamples; r++) {
    sums.fill(0);
    resample(random, sums);
    for (let c = 0; c < columns; c++) replicates[c]![r] = sums[c]!;
  }
  const tail = (1 - options.confidence) / 2;
  return replicates.map((values) => {
    values.sort();
    return { low: quantile(values, tail), high: quantile(values, 1 - tail) };
  });
}

/**
 * Paired: `differences[i]` holds song i's B - A per column; each resample
 * draws songs (pairs) with replacement.
 */
export function pairedMeanDifferenceCI(differences: number[][], options: BootstrapOptions): Interval[] {
  const columns = differences[0]?.length ?? 0;
  const data = byColumn(differences, columns);
  const draw = new Int32Array(differences.length);
  return bootstrap(columns, options, (random, sums) => addResample(data, differences.length, random, draw, sums, 1));
}

/** Unpaired: A and B (rows of per-column values) are resampled independently. */
export function unpairedMeanDifferenceCI(a: number[][], b: number[][], options: BootstrapOptions): Interval[] {
  const columns = a[0]?.length ?? b[0]?.length ?? 0;
  const dataA = byColumn(a, columns);
  const dataB = byColumn(b, columns);
  const draw = new Int32Array(Math.max(a.length, b.length));
  return bootstrap(columns, options, (random, sums) => {
    addResample(dataB, b.length, random, draw, sums, 1);
    addResample(dataA, a.length, random, draw, sums, -1);
  });
}
