// Rank tests and Holm against scipy goldens (scripts/golden_stats.py); the
// bootstrap by determinism and coverage.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pairedMeanDifferenceCI, quantile, unpairedMeanDifferenceCI } from '../../src/core/compare/bootstrap';
import { seededRandom } from '../../src/core/compare/random';
import { holmAdjust, mannWhitneyU, wilcoxonSignedRank } from '../../src/core/compare/rankTests';

const load = <T>(name: string) => (JSON.parse(readFileSync(join(__dirname, '../fixtures/stats', name), 'utf8')) as { cases: T[] }).cases;

function closeRel(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-300, `${what}: ${actual} vs ${expected}`);
}

describe('Wilcoxon signed-rank vs scipy.stats.wilcoxon', () => {
  for (const c of load<{ name: string; a: number[]; b: number[]; method: string; statistic: number; pvalue: number }>('wilcoxon.json')) {
    it(c.name, () => {
      const r = wilcoxonSignedRank(c.a, c.b);
      assert.equal(r.method, c.method);
      assert.equal(r.statistic, c.statistic);
      closeRel(r.pValue, c.pvalue, 1e-9, 'p');
    });
  }
  it('all pairs equal: no evidence (p = 1) where scipy refuses', () => {
    const r = wilcoxonSignedRank([3, 4, 5], [3, 4, 5]);
    assert.deepEqual([r.n, r.zeros, r.pValue], [0, 3, 1]);
  });
});

describe('Mann-Whitney U vs scipy.stats.mannwhitneyu', () => {
  for (const c of load<{ name: string; a: number[]; b: number[]; method: string; u: number; pvalue: number }>('mannwhitney.json')) {
    it(c.name, () => {
      const r = mannWhitneyU(c.a, c.b);
      assert.equal(r.method, c.method);
      assert.equal(r.u, c.u);
      closeRel(r.pValue, c.pvalue, 1e-9, 'p');
    });
  }
});

describe('Holm correction', () => {
  for (const c of load<{ p: number[]; adjusted: number[] }>('holm.json')) {
    it(c.p.join(', '), () => {
      holmAdjust(c.p).forEach((v, i) => closeRel(v, c.adjusted[i]!, 1e-12, `p${i}`));
    });
  }
});

describe('bootstrap confidence intervals', () => {
  const normal = (random: () => number) => {
    // Box-Muller: a known distribution to draw test samples from.
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };

  it('quantiles interpolate like numpy.percentile', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([1, 2, 3, 4], 0.025), 1.075);
  });

  it('the same seed gives the same interval; another seed a slightly different one', () => {
    const random = seededRandom(1);
    const diffs = Array.from({ length: 50 }, () => [normal(random), normal(random)]);
    const one = pairedMeanDifferenceCI(diffs, { resamples: 2000, seed: 5, confidence: 0.95 });
    assert.deepEqual(pairedMeanDifferenceCI(diffs, { resamples: 2000, seed: 5, confidence: 0.95 }), one);
    const other = pairedMeanDifferenceCI(diffs, { resamples: 2000, seed: 6, confidence: 0.95 });
    assert.notDeepEqual(other, one);
    assert.ok(Math.abs(other[0]!.low - one[0]!.low) < 0.05);
  });

  it('paired: the 95% interval holds the true mean difference in about 95% of samples', () => {
    const random = seededRandom(11);
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const diffs = Array.from({ length: 40 }, () => [0.2 + 0.5 * normal(random)]);
      const [ci] = pairedMeanDifferenceCI(diffs, { resamples: 1000, seed: t, confidence: 0.95 });
      if (ci!.low <= 0.2 && 0.2 <= ci!.high) covered++;
    }
    // Percentile bootstrap at n = 40 runs slightly narrow; binomial sd at 300 trials is ~1.3%.
    assert.ok(covered / trials > 0.9 && covered / trials < 0.985, `coverage ${covered / trials}`);
  });

  it('unpaired: the interval holds the true difference about 95% of the time and is centred on it', () => {
    const random = seededRandom(12);
    let covered = 0;
    const trials = 200;
    let centre = 0;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 60 }, () => [3.5 + 0.4 * normal(random)]);
      const b = Array.from({ length: 45 }, () => [3.6 + 0.4 * normal(random)]);
      const [ci] = unpairedMeanDifferenceCI(a, b, { resamples: 1000, seed: t, confidence: 0.95 });
      if (ci!.low <= 0.1 && 0.1 <= ci!.high) covered++;
      centre += (ci!.low + ci!.high) / 2 / trials;
    }
    assert.ok(covered / trials > 0.9 && covered / trials < 0.99, `coverage ${covered / trials}`);
    assert.ok(Math.abs(centre - 0.1) < 0.02, `mean centre ${centre}`);
  });

  it('10,000 resamples of 2,000 paired songs x 6 columns take well under a second', () => {
    const random = seededRandom(3);
    const diffs = Array.from({ length: 2000 }, () => Array.from({ length: 6 }, () => normal(random)));
    const started = performance.now();
    pairedMeanDifferenceCI(diffs, { resamples: 10000, seed: 1, confidence: 0.95 });
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
  });
});
