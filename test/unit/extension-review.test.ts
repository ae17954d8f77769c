// What the comparison and evaluation panels show, built from the engine's
// comparison and evaluation (the numbers `hear compare` and `hear eval` print),
// and the checks on messages and saved state from their webviews.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as core from '../../src/core';
import { parseLabelsJsonl } from '../../src/core/labels';
import { DIMENSIONS, OFFICIAL_THRESHOLDS } from '../../src/core/types';
import { BIN_EDGES, binCounts, comparisonView } from '../../src/extension/comparison-view';
import { evaluationView } from '../../src/extension/evaluation-view';
import {
  parseComparisonState,
  parseEvaluationState,
  parseFromComparison,
  parseFromEvaluation,
  parseFromModel,
  parseFromWebview,
  parseModelState,
} from '../../src/webview/protocol';

// Two runs of scores from the statistics golden (scripts/golden_stats.py).
const golden = (JSON.parse(readFileSync(join(__dirname, '../fixtures/stats/compare.json'), 'utf8')) as { cases: { a: number[][]; b: number[][] }[] }).cases[0]!;
const model = { id: 'hear-test', name: 'HEAR test', version: '1.0.0', proxy: true, proxyNote: 'Trained on proxy labels.' };

function run(folder: string, scores: number[][], prefix = 'prompt'): core.ScoredSong[] {
  return scores.map((s, i) => ({
    file: `/runs/${folder}/${prefix}-${String(i).padStart(3, '0')}.wav`,
    labels: [...DIMENSIONS],
    scores: s,
    thresholds: DIMENSIONS.map((d) => OFFICIAL_THRESHOLDS[d]),
    model,
  }));
}

describe('comparison panel data', () => {
  it('bins scores a quarter point wide from 1 to 5; 5 itself falls in the last bin, values outside in none', () => {
    assert.equal(BIN_EDGES.length, 17);
    const counts = binCounts([1, 1.24, 1.25, 3.999, 4, 5, 0.5, 5.5]);
    assert.equal(counts.length, 16);
    assert.equal(counts[0], 2);
    assert.equal(counts[1], 1);
    assert.equal(counts[11], 1, '3.999 in [3.75, 4)');
    assert.equal(counts[12], 1, '4 in [4, 4.25)');
    assert.equal(counts[15], 1, '5 in [4.75, 5]');
    assert.equal(counts.reduce((a, b) => a + b, 0), 6);
  });

  it('paired runs: the table is hear compare\'s, the charts hold every pair, the most changed songs their overall scores', () => {
    const a = run('a', golden.a);
    const b = run('b', golden.b);
    const c = core.compareScores(a, b, { nameA: 'runs/a', nameB: 'runs/b', rootA: '/runs/a', rootB: '/runs/b', resamples: 1000 });
    const view = comparisonView(core, c, a, b, { rootA: '/runs/a', rootB: '/runs/b' });
    assert.equal(view.paired, true);
    const cells = core.comparisonCells(c);
    assert.deepEqual(view.header, cells.header);
    assert.deepEqual(view.rows.map((r) => r.cells), cells.rows);
    assert.deepEqual(view.rows.map((r) => r.verdict), c.rows.map((r) => r.verdict));
    assert.deepEqual(view.series.map((s) => s.label), [...DIMENSIONS, 'overall']);
    assert.deepEqual(view.series.map((s) => s.threshold), [...DIMENSIONS.map((d) => OFFICIAL_THRESHOLDS[d]), null]);
    for (const [k, s] of view.series.entries()) {
      assert.equal(s.countsA.reduce((x, y) => x + y, 0), c.pairs);
      assert.equal(s.countsB.reduce((x, y) => x + y, 0), c.pairs);
      assert.equal(s.pairs.length, c.pairs);
      if (k < DIMENSIONS.length) assert.deepEqual(s.pairs.map((p) => [p.a, p.b]), golden.a.map((row, i) => [row[k], golden.b[i]![k]]));
    }
    assert.equal(view.changed.length, c.mostChanged.length);
    for (const ch of view.changed) {
      assert.match(ch.name, /^prompt-\d{3}$/);
      assert.ok(Math.abs(ch.overallB - ch.overallA - ch.diff) < 1e-12);
    }
    assert.ok(view.warnings.some((w) => /proxy model/.test(w)));
    assert.equal(view.models, 'Scored by HEAR test 1.0.0 (proxy).');
    assert.match(view.method, /^Paired: \d+ songs .* 1000 bootstrap resamples \(seed 20260\)/);
  });

  it('unpaired runs: histograms of every song, no pairs and no most-changed list', () => {
    const a = run('a', golden.a, 'take');
    const b = run('b', golden.b.slice(0, 7), 'other');
    const c = core.compareScores(a, b, { resamples: 500 });
    const view = comparisonView(core, c, a, b, {});
    assert.equal(view.paired, false);
    assert.deepEqual(view.series.map((s) => [s.countsA.reduce((x, y) => x + y, 0), s.countsB.reduce((x, y) => x + y, 0), s.pairs.length]), view.series.map(() => [a.length, 7, 0]));
    assert.deepEqual(view.changed, []);
  });
});

describe('evaluation panel data', () => {
  const labelsText = [
    { file_name: 'mp3/1.mp3', annotation: [{ Coherence: 4, Musicality: 4.5, Memorability: 4, Clarity: 4.5, Naturalness: 4 }, { Coherence: 5, Musicality: 4.5, Memorability: 4, Clarity: 4, Naturalness: 4 }] },
    { file_name: 'mp3/2.mp3', annotation: [{ Coherence: 2, Musicality: 2.5, Memorability: 2, Clarity: 3, Naturalness: 2 }] },
    { file_name: 'mp3/3.mp3', annotation: [{ Coherence: 3, Musicality: 3, Memorability: 3.5, Clarity: 3, Naturalness: 3 }] },
    { file_name: 'mp3/4.mp3', annotation: [{ Coherence: 3.5, Musicality: 4, Memorability: 3, Clarity: 3.5, Naturalness: 4.5 }] },
  ].map((l) => JSON.stringify(l)).join('\n');
  const labels = parseLabelsJsonl(labelsText, '/data/metadata.jsonl');
  const predictions = run('x', [
    [4.1, 4.2, 3.9, 4.0, 4.1],
    [2.5, 2.4, 2.6, 2.9, 2.2],
    [3.2, 3.1, 3.0, 3.3, 3.4],
    [3.6, 3.9, 3.2, 3.1, 4.2],
    [3.0, 3.0, 3.0, 3.0, 3.0],
  ]).map((p, i) => ({ ...p, file: `/audio/${i + 1}.wav` }));

  it('shows hear eval\'s 3-decimal table, notes what was left out, and plots every matched song', () => {
    const evaluation = core.evaluate(labels, predictions);
    const view = evaluationView(core, { labels, predictions, evaluation, source: 'predictions from scores.json', failures: [{ file: '/audio/6.wav', error: '/audio/6.wav: not audio', code: 'CORRUPT' }] });
    assert.deepEqual(view.header, ['', 'LCC', 'SRCC', 'KTAU', 'TTA']);
    assert.deepEqual(view.rows.map((r) => r.name), [...DIMENSIONS, 'Mean']);
    const expected = [...evaluation.utterance.dimensions.map((d) => d.values), evaluation.utterance.mean].map((v) => [v.lcc, v.srcc, v.ktau, v.tta].map((x) => core.round3(x).toFixed(3)));
    assert.deepEqual(view.rows.map((r) => r.cells), expected);
    assert.equal(view.songs, 4);
    assert.deepEqual(view.notes, ['1 predictions name no labelled song: /audio/5.wav', '1 files failed to score and are left out: /audio/6.wav: not audio']);
    assert.equal(view.scatter.length, 5);
    assert.deepEqual(view.scatter[0]!.points.map((p) => [p.name, p.truth, p.predicted]), [['mp3/1.mp3', 4.5, 4.1], ['mp3/2.mp3', 2, 2.5], ['mp3/3.mp3', 3, 3.2], ['mp3/4.mp3', 3.5, 3.6]]);
    assert.equal(view.scatter[2]!.threshold, 3.75);
    assert.match(view.proxy!, /^HEAR test is a proxy model/);
  });
});

describe('messages and saved state of the review panels', () => {
  it('accepts only the messages each page may send', () => {
    assert.deepEqual(parseFromWebview({ type: 'exportReport' }), { type: 'exportReport' });
    assert.deepEqual(parseFromWebview({ type: 'exportMarkers' }), { type: 'exportMarkers' });
    assert.deepEqual(parseFromComparison({ type: 'openSong', file: '/a.wav' }), { type: 'openSong', file: '/a.wav' });
    assert.equal(parseFromComparison({ type: 'openSong' }), undefined);
    assert.equal(parseFromComparison({ type: 'openSong', file: '' }), undefined);
    assert.deepEqual(parseFromComparison({ type: 'copyMarkdown', extra: 1 }), { type: 'copyMarkdown' });
    assert.equal(parseFromComparison({ type: 'score' }), undefined);
    assert.deepEqual(parseFromModel({ type: 'verify' }), { type: 'verify' });
    assert.equal(parseFromModel('verify'), undefined);
    assert.deepEqual(parseFromEvaluation({ type: 'ready' }), { type: 'ready' });
    assert.equal(parseFromEvaluation({ type: 'openSong', file: '/a.wav' }), undefined);
  });

  it('restores a panel only from state it could have saved', () => {
    assert.deepEqual(parseComparisonState({ a: '/x', b: '/y' }), { a: '/x', b: '/y' });
    assert.equal(parseComparisonState({ a: '/x' }), undefined);
    assert.deepEqual(parseModelState({ dir: '/m' }), { dir: '/m' });
    assert.equal(parseModelState({ dir: 3 }), undefined);
    assert.deepEqual(parseEvaluationState({ labels: '/l.jsonl', predictions: '/p.json' }), { labels: '/l.jsonl', predictions: '/p.json' });
    assert.deepEqual(parseEvaluationState({ labels: '/l.jsonl', audio: '/songs' }), { labels: '/l.jsonl', audio: '/songs' });
    assert.equal(parseEvaluationState({ labels: '/l.jsonl' }), undefined, 'neither predictions nor audio');
    assert.equal(parseEvaluationState({ labels: '/l.jsonl', predictions: '/p.json', audio: '/songs' }), undefined, 'both');
  });
});
