// Every export format, parsed back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { compareScores } from '../../src/core/compare/compare';
import { audacityLabels } from '../../src/core/exports/audacity';
import { comparisonCsv, comparisonJson, comparisonMarkdown } from '../../src/core/exports/comparison';
import { reaperRegions, reaperTime } from '../../src/core/exports/reaper';
import type { ScoredSong } from '../../src/core/labels';
import { DIMENSIONS, type SongScore } from '../../src/core/types';

const labels = [...DIMENSIONS];
const song: Pick<SongScore, 'file' | 'labels' | 'segments'> = {
  file: '/music/demo.wav',
  labels,
  segments: [
    { index: 0, start: 0, end: 30, scores: [3.9, 4.1, 3.6, 3.8, 4.0] },
    { index: 1, start: 30, end: 60, scores: [3.1, 3.2, 3.0, 3.3, 3.4] },
    { index: 2, start: 60, end: 75.25, scores: [4.3, 4.4, 4.1, 4.2, 4.5] },
  ],
};

/** "1:15.250" -> 75.25 */
function seconds(time: string): number {
  const [m, s] = time.split(':');
  return Number(m) * 60 + Number(s);
}

describe('DAW exports of segment scores', () => {
  it('Audacity label track: start, end in seconds and a text per segment', () => {
    const lines = audacityLabels(song).trimEnd().split('\n').map((l) => l.split('\t'));
    assert.equal(lines.length, 3);
    lines.forEach(([start, end, text], i) => {
      assert.equal(Number(start), song.segments[i]!.start);
      assert.equal(Number(end), song.segments[i]!.end);
      assert.match(text!, new RegExp(`^#${i + 1} overall \\d\\.\\d\\d \\| Coh \\d\\.\\d\\d Mus`));
    });
    assert.equal(lines[2]![1], '75.250000');
    assert.match(lines[1]![2]!, /overall 3\.20 \| Coh 3\.10 Mus 3\.20 Mem 3\.00 Cla 3\.30 Nat 3\.40 \| weakest$/);
    assert.match(lines[2]![2]!, /\| strongest$/);
  });

  it('REAPER region CSV: #,Name,Start,End,Length,Color with R ids and minutes:seconds times', () => {
    const rows = parse(reaperRegions(song)) as string[][];
    assert.deepEqual(rows[0], ['#', 'Name', 'Start', 'End', 'Length', 'Color']);
    assert.deepEqual(rows.slice(1).map((r) => r[0]), ['R1', 'R2', 'R3']);
    rows.slice(1).forEach((r, i) => {
      assert.equal(seconds(r[2]!), song.segments[i]!.start);
      assert.equal(seconds(r[3]!), song.segments[i]!.end);
      assert.equal(seconds(r[4]!), song.segments[i]!.end - song.segments[i]!.start);
    });
    assert.deepEqual(rows.slice(1).map((r) => r[5]), ['', 'D03030', '30A030']);
    assert.equal(reaperTime(3725.0004), '62:05.000');
    assert.equal(reaperTime(9.9996), '0:10.000');
  });

  it('a song scored without segments is refused with its name', () => {
    assert.throws(() => audacityLabels({ ...song, segments: [] }), /demo\.wav: has no segment scores/);
    assert.throws(() => reaperRegions({ ...song, segments: [] }), /demo\.wav: has no segment scores/);
  });
});

describe('comparison writers', () => {
  const run = (folder: string, shift: number, proxy = false): ScoredSong[] =>
    Array.from({ length: 30 }, (_, i) => ({
      file: `/runs/${folder}/song-${i}.wav`,
      labels,
      scores: labels.map((_, d) => 3 + ((i * 7 + d * 3) % 10) / 10 + (d === 0 ? shift : 0) + ((i * 13) % 5) / 100),
      thresholds: [4, 4, 3.75, 3.75, 4],
      model: { id: 'hear-lite', name: 'HEAR-Lite', version: '0.1.0', proxy, ...(proxy ? { proxyNote: 'trained on game music' } : {}) },
    }));
  const c = compareScores(run('ckpt-a', 0, true), run('ckpt-b', 0.2, true), { nameA: 'ckpt-a', nameB: 'ckpt-b', resamples: 500 });

  it('Markdown: title, model, proxy warning, one table row per dimension and overall, the verdict line', () => {
    const md = comparisonMarkdown(c);
    assert.match(md, /^### HEAR comparison: ckpt-b \(B\) vs ckpt-a \(A\)/);
    assert.match(md, /Scored by HEAR-Lite \(`hear-lite` 0\.1\.0\)\./);
    assert.match(md, /> \*\*Warning:\*\* HEAR-Lite \(hear-lite@0\.1\.0\) is a proxy model.*trained on game music/);
    const tableRows = md.split('\n').filter((l) => l.startsWith('| **'));
    assert.deepEqual(tableRows.map((l) => l.split('|')[1]!.trim()), [...labels, 'overall'].map((l) => `**${l}**`));
    assert.match(tableRows[0]!, /\| \+0\.200 \[\+0\.200, \+0\.200\] \| <0\.001 \(<0\.001\) \| 100% \|.*\| better \|$/);
    assert.match(md, /\*\*Verdict:\*\* Overall: B better \(\+0\.040\); better: Coherence; worse: none/);
    assert.match(md, /Paired: 30 songs \(30 by relative path, 0 by file name\)/);
  });

  it('CSV and JSON carry every number unrounded', () => {
    const rows = parse(comparisonCsv(c), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 6);
    rows.forEach((r, i) => {
      assert.equal(Number(r.meanB), c.rows[i]!.meanB);
      assert.equal(Number(r.pAdjusted), c.rows[i]!.pAdjusted);
      assert.equal(r.verdict, c.rows[i]!.verdict);
    });
    assert.deepEqual(JSON.parse(comparisonJson(c)), JSON.parse(JSON.stringify(c)));
  });
});
