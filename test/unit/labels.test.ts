// Reading labels and `hear score` results, matching them, and the whole
// evaluation against the scipy golden in test/fixtures/stats/eval.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HearError } from '../../src/core/errors';
import {
  fileStem,
  matchPredictions,
  parseLabelsCsv,
  parseLabelsJsonl,
  readLabels,
  readPredictions,
  type ScoredSong,
} from '../../src/core/labels';
import { evaluate, type MetricValues } from '../../src/core/metrics';
import { hear, repoRoot } from './cli-helpers';
import { tempDir } from './engine-helpers';

const EVAL = join(__dirname, '../fixtures/stats/eval');
const expected = JSON.parse(readFileSync(join(EVAL, 'expected.json'), 'utf8'));
const scratch = tempDir('hear-labels-');

function sameMetrics(actual: MetricValues, wanted: MetricValues, what: string): void {
  for (const m of ['lcc', 'srcc', 'ktau', 'tta'] as const) {
    assert.ok(Math.abs(actual[m] - wanted[m]) < 1e-12, `${what} ${m}: ${actual[m]} vs ${wanted[m]}`);
  }
}

function song(file: string, scores = [3, 3, 3, 3, 3]): ScoredSong {
  return { file, labels: ['Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness'], scores, thresholds: [4, 4, 3.75, 3.75, 4] };
}

describe('labels', () => {
  it('SongEval metadata.jsonl: each label is the mean over the raters; other fields are kept', async () => {
    const labels = await readLabels(join(EVAL, 'metadata.jsonl'));
    assert.deepEqual(labels.dimensions, ['Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness']);
    assert.equal(labels.songs.length, 49);
    const first = JSON.parse(readFileSync(join(EVAL, 'metadata.jsonl'), 'utf8').split('\n')[0]!);
    const raters = first.annotation as Record<string, number>[];
    assert.equal(labels.songs[0]!.values.Clarity, raters.reduce((s, r) => s + r.Clarity!, 0) / raters.length);
    assert.equal(labels.songs[0]!.fields.system, 'sys0');
    assert.equal(labels.songs[0]!.file, 'mp3/0.mp3');
  });

  it('CSV labels: a file column and dimension columns in any letter case', () => {
    const labels = parseLabelsCsv('file_name,musicality,system\n"a,b.wav",4.25,x\nc.wav,3,y\n', 'l.csv');
    assert.deepEqual(labels.dimensions, ['Musicality']);
    assert.deepEqual(labels.songs.map((s) => [s.file, s.values.Musicality, s.fields.system]), [['a,b.wav', 4.25, 'x'], ['c.wav', 3, 'y']]);
  });

  it('bad labels name the file and the line', () => {
    assert.throws(() => parseLabelsJsonl('{"file_name":"a.mp3","Musicality":4}\n{oops\n', 'm.jsonl'), (e: HearError) => e.code === 'BAD_LABELS' && /m\.jsonl: line 2/.test(e.message));
    assert.throws(() => parseLabelsJsonl('{"file_name":"a.mp3","annotation":[{"Musicality":"x"}]}\n', 'm.jsonl'), /line 1: Musicality is not a finite number/);
    assert.throws(() => parseLabelsCsv('name,Musicality\na,4\n', 'l.csv'), /l\.csv: no file column/);
    assert.throws(() => parseLabelsCsv('file,Musicality\na,four\n', 'l.csv'), /line 2: Musicality "four" is not a number/);
    assert.throws(() => parseLabelsJsonl('{"file_name":"a.mp3","gender":"male"}\n', 'm.jsonl'), /no dimension/);
  });

  it('a missing labels file is a HearError naming it', async () => {
    await assert.rejects(readLabels(join(scratch, 'none.jsonl')), (e: HearError) => e.code === 'NOT_FOUND' && e.file!.endsWith('none.jsonl'));
  });
});

describe('results of hear score', () => {
  it('reads --json, --jsonl (with failure lines) and --csv', async () => {
    const json = await readPredictions(join(EVAL, 'predictions.json'));
    assert.equal(json.songs.length, 49);
    assert.equal(json.songs[0]!.model?.id, 'golden-eval');

    const jsonl = join(scratch, 'r.jsonl');
    writeFileSync(jsonl, `${JSON.stringify(song('/x/a.wav'))}\n${JSON.stringify({ file: '/x/b.wav', error: 'truncated', code: 'TRUNCATED' })}\n`);
    const fromJsonl = await readPredictions(jsonl);
    assert.deepEqual([fromJsonl.songs.length, fromJsonl.failures[0]?.code], [1, 'TRUNCATED']);

    const oneLine = join(scratch, 'one.json');
    writeFileSync(oneLine, JSON.stringify({ results: [song('/x/a.wav')], failures: [] }));
    assert.equal((await readPredictions(oneLine)).songs.length, 1);

    const csv = join(scratch, 'r.csv');
    writeFileSync(csv, 'file,Coherence,Musicality,overall,top_tier,error\n/x/a.wav,4.1,3.9,4.0,Coherence,\n/x/b.wav,,,,,"b.wav: truncated"\n');
    const fromCsv = await readPredictions(csv);
    assert.deepEqual(fromCsv.songs[0], { file: '/x/a.wav', labels: ['Coherence', 'Musicality'], scores: [4.1, 3.9], thresholds: [4, 4] });
    assert.equal(fromCsv.failures[0]?.error, 'b.wav: truncated');
  });

  it('reads hear score --csv --segments as the songs alone, the same as --json, odd file names quoted', async () => {
    const odd = join(scratch, 'short, "8 s".wav');
    copyFileSync(join(repoRoot, 'test/fixtures/audio/short-8s.wav'), odd);
    const songs = [join(repoRoot, 'test/fixtures/audio/song-75s.wav'), odd];
    const score = (format: string, extra: string[] = []) => hear(['score', '--model', join(repoRoot, 'test/fixtures/tiny-hear'), '--no-store', format, ...extra, ...songs]);
    const [csv, json] = await Promise.all([score('--csv', ['--segments']), score('--json')]);
    assert.equal(csv.code, 0, csv.stderr);
    const csvFile = join(scratch, 'segments.csv');
    const jsonFile = join(scratch, 'segments.json');
    writeFileSync(csvFile, csv.stdout);
    writeFileSync(jsonFile, json.stdout);
    assert.equal(csv.stdout.trim().split('\n').length, 1 + 2 + 3 + 1, 'a header, two song rows, three segments of the 75 s song and one of the 8 s song');
    const fromJson = (await readPredictions(jsonFile)).songs.map(({ file, labels, scores, thresholds }) => ({ file, labels, scores, thresholds }));
    assert.deepEqual((await readPredictions(csvFile)).songs, fromJson);
    assert.ok(csv.stdout.includes(`"${odd.replace(/"/g, '""')}"`), 'a name with a comma and quotes is quoted');
  });

  it('keeps the facts a SongScore adds when they have their types, and leaves out the others', async () => {
    const timings = { decodeMs: 12, sourcesMs: 340, headMs: 2, segmentsMs: 5, totalMs: 359 };
    const audio = { durationSeconds: 8, format: 'wav/pcm_s16le', sampleRate: 24000, channels: 1, bitsPerSample: 16, tags: {}, decoder: 'wav' };
    const facts = { contentHash: 'ab12', scoredAt: '2026-01-02T03:04:05.000Z', provider: 'cpu', audio, timings };
    const file = join(scratch, 'facts.jsonl');
    writeFileSync(file, [{ ...song('/x/a.wav'), ...facts }, { ...song('/x/b.wav'), contentHash: 7, provider: null, audio: { ...audio, sampleRate: '24000' }, timings: { ...timings, headMs: undefined } }].map((r) => JSON.stringify(r)).join('\n'));
    const [a, b] = (await readPredictions(file)).songs;
    assert.deepEqual(a, { ...song('/x/a.wav'), ...facts });
    assert.deepEqual(b, song('/x/b.wav'));
  });

  it('refuses a results file of the wrong shape', async () => {
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, JSON.stringify({ results: [{ file: 'a', labels: ['Musicality'], scores: [] }] }));
    await assert.rejects(readPredictions(bad), /bad\.json: result 1: "scores" must be 1 finite numbers/);
  });
});

describe('matching and evaluation', () => {
  it('matches by file stem, and by folder when stems repeat', () => {
    assert.equal(fileStem('mp3/12.mp3'), '12');
    const labels = parseLabelsCsv('file,Musicality\nsysA/1.wav,4\nsysB/1.wav,3\n2.mp3,4\n9.mp3,2\n', 'l.csv').songs;
    const m = matchPredictions(labels, [song('/r/sysB/1.flac'), song('/r/sysA/1.flac'), song('/r/out/2.wav'), song('/r/out/5.wav')]);
    assert.deepEqual(m.matched.map((x) => [x.label.file, x.prediction.file]), [
      ['sysA/1.wav', '/r/sysA/1.flac'],
      ['sysB/1.wav', '/r/sysB/1.flac'],
      ['2.mp3', '/r/out/2.wav'],
    ]);
    assert.deepEqual(m.unmatchedLabels.map((l) => l.file), ['9.mp3']);
    assert.deepEqual(m.unmatchedPredictions.map((p) => p.file), ['/r/out/5.wav']);
  });

  it('hear eval numbers equal scipy at utterance and system level; Track 1 is Musicality alone', async () => {
    const labels = await readLabels(join(EVAL, 'metadata.jsonl'));
    const predictions = (await readPredictions(join(EVAL, 'predictions.json'))).songs;
    const result = evaluate(labels, predictions, { systemKey: 'system' });
    assert.equal(result.matched, expected.matched);
    assert.deepEqual(result.unmatchedLabels, ['mp3/999.mp3']);
    assert.deepEqual(result.unmatchedPredictions, ['/songs/extra/1000.wav']);
    for (const level of ['utterance', 'system'] as const) {
      const table = result[level]!;
      assert.equal(table.n, expected[level].n);
      for (const d of table.dimensions) sameMetrics(d.values, expected[level].dimensions[d.dimension], `${level} ${d.dimension}`);
      sameMetrics(table.mean, expected[level].mean, `${level} mean`);
    }
    assert.deepEqual(result.system!.systems.map((s) => s.songs), [8, 8, 8, 8, 8, 8]);
    // The folder of the scored file names the same systems here.
    const byDir = evaluate(labels, predictions, { systemKey: 'dir' });
    sameMetrics(byDir.system!.mean, expected.system.mean, 'dir system mean');

    const track1 = evaluate(labels, predictions, { dimensions: ['Musicality'] });
    sameMetrics(track1.utterance.dimensions[0]!.values, expected.track1, 'track 1');
    sameMetrics(track1.utterance.mean, expected.track1, 'track 1 mean');
  });

  it('an unknown system key lists the fields there are', async () => {
    const labels = await readLabels(join(EVAL, 'metadata.jsonl'));
    const predictions = (await readPredictions(join(EVAL, 'predictions.json'))).songs;
    assert.throws(() => evaluate(labels, predictions, { systemKey: 'checkpoint' }), /no field "checkpoint".*gender, system/);
  });
});
