// The official metrics against scipy goldens (scripts/golden_stats.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { averageRanks, kendallTauB, metricsTable, pearson, round3, spearman, topTierF1 } from '../../src/core/metrics';
import { seededRandom } from '../../src/core/compare/random';

interface CorrelationCase {
  name: string;
  pred: number[];
  truth: number[];
  lcc: number;
  srcc: number;
  ktau: number;
  tta: Record<string, number>;
}

const golden = JSON.parse(readFileSync(join(__dirname, '../fixtures/stats/correlation.json'), 'utf8')) as { cases: CorrelationCase[] };

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

/** O(n^2) tau-b straight from its definition, to check the O(n log n) version on data scipy did not see. */
function naiveTauB(x: number[], y: number[]): number {
  let s = 0;
  let tx = 0;
  let ty = 0;
  let pairs = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      s += dx * dy;
      pairs++;
      if (dx === 0) tx++;
      if (dy === 0) ty++;
    }
  }
  return s / Math.sqrt((pairs - tx) * (pairs - ty));
}

describe('official metrics vs scipy', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      close(pearson(c.pred, c.truth), c.lcc, 1e-12, 'LCC');
      close(spearman(c.pred, c.truth), c.srcc, 1e-12, 'SRCC');
      close(kendallTauB(c.pred, c.truth), c.ktau, 1e-12, 'KTAU');
      for (const [threshold, f1] of Object.entries(c.tta)) close(topTierF1(c.pred, c.truth, Number(threshold)), f1, 1e-12, `TTA@${threshold}`);
    });
  }
});

describe('metric details', () => {
  it('average ranks split ties like scipy.rankdata', () => {
    assert.deepEqual(Array.from(averageRanks([3, 1, 3, 2, 3])), [4, 1, 4, 2, 4]);
  });

  it('Kendall tau-b is O(n log n): 200,000 tied songs in well under a second, equal to the definition on a subset', () => {
    const random = seededRandom(7);
    const n = 200_000;
    const x = Array.from({ length: n }, () => Math.round(random() * 40) / 10);
    const y = x.map((v) => Math.round((v + random() - 0.5) * 4) / 4);
    const started = performance.now();
    const tau = kendallTauB(x, y);
    const ms = performance.now() - started;
    assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
    assert.ok(tau > 0.5 && tau < 1, `tau ${tau}`);
    close(kendallTauB(x.slice(0, 1500), y.slice(0, 1500)), naiveTauB(x.slice(0, 1500), y.slice(0, 1500)), 1e-12, 'tau-b');
  });

  it('the table averages each metric over the dimensions and rounds to 3 decimals for display', () => {
    const [a, b] = [golden.cases[1]!, golden.cases[2]!];
    const table = metricsTable([
      { dimension: 'Coherence', threshold: 4, predicted: a.pred, truth: a.truth },
      { dimension: 'Clarity', threshold: 3.75, predicted: b.pred, truth: b.truth },
    ]);
    close(table.mean.lcc, (a.lcc + b.lcc) / 2, 1e-12, 'mean LCC');
    close(table.mean.tta, (a.tta['4.0']! + b.tta['3.75']!) / 2, 1e-12, 'mean TTA');
    assert.equal(table.n, a.truth.length);
    assert.equal(round3(0.90586), 0.906);
    assert.equal(round3(-0.0004), -0);
  });
});
