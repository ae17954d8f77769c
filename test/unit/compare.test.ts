// `hear compare` statistics end to end against the scipy golden, plus pairing,
// verdicts, warnings and the --fail-if-worse rule.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compareScores, isWorse } from '../../src/core/compare/compare';
import { compareScoresInWorker, disposeCompareWorker } from '../../src/core/compare/in-worker';
import { HearError } from '../../src/core/errors';
import { commonFolder, pairSongs } from '../../src/core/compare/pairing';
import type { ScoredSong } from '../../src/core/labels';
import { DIMENSIONS, OFFICIAL_THRESHOLDS, type ModelRef } from '../../src/core/types';

interface GoldenRow {
  label: string;
  meanA: number;
  meanB: number;
  pValue: number;
  pAdjusted: number;
  winRate?: number;
  topTierRateA: number;
  topTierRateB: number;
}
const golden = (JSON.parse(readFileSync(join(__dirname, '../fixtures/stats/compare.json'), 'utf8')) as {
  cases: { a: number[][]; b: number[][]; paired: GoldenRow[]; unpaired: GoldenRow[] }[];
}).cases[0]!;

const model: ModelRef = { id: 'hear-test', name: 'HEAR test model', version: '1.0.0', proxy: false };

function run(folder: string, scores: number[][], m: ModelRef = model): ScoredSong[] {
  return scores.map((s, i) => ({
    file: `/runs/${folder}/prompt-${String(i).padStart(3, '0')}.wav`,
    labels: [...DIMENSIONS],
    scores: s,
    thresholds: DIMENSIONS.map((d) => OFFICIAL_THRESHOLDS[d]),
    model: m,
  }));
}

function matchesGolden(rows: ReturnType<typeof compareScores>['rows'], wanted: GoldenRow[]): void {
  assert.deepEqual(rows.map((r) => r.label), wanted.map((r) => r.label));
  rows.forEach((r, i) => {
    const g = wanted[i]!;
    for (const key of ['meanA', 'meanB', 'topTierRateA', 'topTierRateB'] as const) {
      assert.ok(Math.abs(r[key]! - g[key]) < 1e-12, `${r.label} ${key}: ${r[key]} vs ${g[key]}`);
    }
    for (const key of ['pValue', 'pAdjusted'] as const) {
      assert.ok(Math.abs(r[key] - g[key]) <= 1e-9 * g[key], `${r.label} ${key}: ${r[key]} vs ${g[key]}`);
    }
    if (g.winRate !== undefined) assert.equal(r.winRate, g.winRate);
    assert.ok(r.ciLow <= r.diff && r.diff <= r.ciHigh, `${r.label}: ${r.diff} outside [${r.ciLow}, ${r.ciHigh}]`);
  });
}

describe('hear compare statistics', () => {
  it('paired runs: means, Wilcoxon + Holm, win and top-tier rates equal scipy; verdicts follow', () => {
    const c = compareScores(run('ckpt-a', golden.a), run('ckpt-b', golden.b), { nameA: 'ckpt-a', nameB: 'ckpt-b' });
    assert.equal(c.paired, true);
    assert.deepEqual([c.pairs, c.pairedByPath, c.pairedByName, c.unpairedA, c.unpairedB], [60, 60, 0, 0, 0]);
    matchesGolden(c.rows, golden.paired);
    assert.deepEqual(c.rows.map((r) => r.verdict), ['better', 'no-evidence', 'no-evidence', 'worse', 'no-evidence', 'better']);
    assert.equal(c.summary, 'Overall: B better (+0.038); better: Coherence; worse: Clarity (alpha 0.05, Holm across 5).');
    assert.equal(isWorse(c, 'clarity'), true);
    assert.equal(isWorse(c, 'Coherence'), false);
    assert.equal(isWorse(c, 'any'), true);
    assert.throws(() => isWorse(c, 'Groove'), /unknown dimension "Groove"/);
    assert.equal(c.mostChanged.length, 10);
    assert.ok(Math.abs(c.mostChanged[0]!.diff) >= Math.abs(c.mostChanged[9]!.diff));
    assert.deepEqual(c.warnings, []);
  });

  it('different song sets: Mann-Whitney U, no win rate', () => {
    const a = run('ckpt-a', golden.a.slice(0, 30));
    const b = run('ckpt-b', golden.b.slice(30)).map((s, i) => ({ ...s, file: `/runs/ckpt-b/other-${i}.wav` }));
    const c = compareScores(a, b);
    assert.equal(c.paired, false);
    matchesGolden(c.rows, golden.unpaired);
    assert.ok(c.rows.every((r) => r.test === 'mann-whitney' && r.winRate === null));
  });

  it('the seed fixes the interval; a stricter alpha turns verdicts into no evidence', () => {
    const a = run('a', golden.a);
    const b = run('b', golden.b);
    const one = compareScores(a, b, { seed: 3, resamples: 2000 });
    assert.deepEqual(compareScores(a, b, { seed: 3, resamples: 2000 }).rows, one.rows);
    assert.notEqual(compareScores(a, b, { seed: 4, resamples: 2000 }).rows[0]!.ciLow, one.rows[0]!.ciLow);
    const strict = compareScores(a, b, { alpha: 1e-8, resamples: 200 });
    assert.ok(strict.rows.every((r) => r.verdict === 'no-evidence'));
  });

  it('warns when the runs were scored by different models or a proxy', () => {
    const proxy: ModelRef = { ...model, id: 'hear-lite', proxy: true, proxyNote: 'trained on game music' };
    const c = compareScores(run('a', golden.a), run('b', golden.b, proxy), { resamples: 200 });
    assert.equal(c.warnings.length, 2);
    assert.match(c.warnings[0]!, /not scored by one model \(hear-test@1\.0\.0, hear-lite@1\.0\.0\)/);
    assert.match(c.warnings[1]!, /proxy model.*trained on game music/);
  });

  it('compares only the labels both sides scored (Track 1 against Track 2)', () => {
    const a = run('a', golden.a);
    const b = run('b', golden.b).map((s) => ({ ...s, labels: ['Musicality'], scores: [s.scores[1]!], thresholds: [4] }));
    const c = compareScores(a, b, { resamples: 200 });
    assert.deepEqual(c.labels, ['Musicality']);
    assert.equal(c.rows[0]!.pAdjusted, c.rows[0]!.pValue); // a family of one
  });
});

describe('pairing', () => {
  const s = (file: string) => ({ file });

  it('by relative path first, then by unique file name, ignoring extensions', () => {
    const a = [s('/x/a/pop/1.wav'), s('/x/a/rock/1.wav'), s('/x/a/jazz/7.wav'), s('/x/a/8.wav'), s('/x/a/9.wav')];
    const b = [s('/y/b/rock/1.mp3'), s('/y/b/pop/1.mp3'), s('/y/b/new/7.mp3'), s('/y/b/9.mp3'), s('/y/b/9/9.mp3')];
    const p = pairSongs(a, b);
    assert.deepEqual(p.pairs.map((x) => [x.a.file, x.b.file, x.key]), [
      ['/x/a/pop/1.wav', '/y/b/pop/1.mp3', 'pop/1'],
      ['/x/a/rock/1.wav', '/y/b/rock/1.mp3', 'rock/1'],
      ['/x/a/9.wav', '/y/b/9.mp3', '9'],
      ['/x/a/jazz/7.wav', '/y/b/new/7.mp3', '7'],
    ]);
    assert.deepEqual([p.byPath, p.byName], [3, 1]);
    assert.deepEqual(p.unpairedA.map((x) => x.file), ['/x/a/8.wav']);
    assert.deepEqual(p.unpairedB.map((x) => x.file), ['/y/b/9/9.mp3']);
  });

  it('the root of a run is the deepest folder holding all its files', () => {
    assert.equal(commonFolder(['/r/a/x/1.wav', '/r/a/y/2.wav']), '/r/a');
    assert.equal(commonFolder(['C:\\r\\a\\1.wav', 'C:\\r\\a\\b\\2.wav']), 'C:/r/a');
  });
});

describe('compareScores on a worker thread', () => {
  after(disposeCompareWorker);

  it('gives the same comparison as on the caller\'s thread, and the caller\'s event loop keeps turning', async () => {
    const many = (folder: string, shift: number) => run(folder, Array.from({ length: 40 }, () => golden.a).flat().map((s) => s.map((v) => v + shift)));
    const [a, b] = [many('ckpt-a', 0), many('ckpt-b', 0.01)];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const inWorker = await compareScoresInWorker(a, b, { nameA: 'ckpt-a', nameB: 'ckpt-b' });
    clearInterval(timer);
    assert.deepEqual(inWorker, compareScores(a, b, { nameA: 'ckpt-a', nameB: 'ckpt-b' }));
    assert.ok(ticks > 3, `the event loop turned ${ticks} times while ${a.length} pairs were compared`);
  });

  it('rejects with the engine\'s HearError', async () => {
    await assert.rejects(compareScoresInWorker([], run('ckpt-b', golden.b)), (err: unknown) =>
      err instanceof HearError && err.code === 'BAD_LABELS' && /nothing to compare: A has 0 scored songs/.test(err.message));
  });
});

