// `hear compare`, `hear eval` and `hear export` as a user runs them: output formats, exit
// codes, usage errors. Each run is a child process of the CLI's entry point.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readLabels, readPredictions } from '../../src/core/labels';
import { evaluate } from '../../src/core/metrics';
import { DIMENSIONS, OFFICIAL_THRESHOLDS } from '../../src/core/types';
import { hear, repoRoot as ROOT } from './cli-helpers';
import { tempDir } from './engine-helpers';

const scratch = tempDir('hear-cli-');
const golden = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/stats/compare.json'), 'utf8')).cases[0] as { a: number[][]; b: number[][] };
const model = { id: 'hear-lite', name: 'HEAR-Lite', version: '0.1.0', proxy: true, proxyNote: 'trained on game music' };

function writeRun(name: string, scores: number[][]): string {
  const results = scores.map((s, i) => ({
    file: `/runs/${name}/prompt-${i}.wav`,
    labels: [...DIMENSIONS],
    thresholds: DIMENSIONS.map((d) => OFFICIAL_THRESHOLDS[d]),
    scores: s,
    model,
  }));
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify({ results, failures: [] }, null, 2));
  return file;
}
const fileA = writeRun('ckpt-a', golden.a);
const fileB = writeRun('ckpt-b', golden.b);

describe('hear compare', { concurrency: true }, () => {
  it('prints the table and exits 3 with --fail-if-worse when B is worse (Clarity here)', async () => {
    const r = await hear(['compare', fileA, fileB, '--resamples', '1000', '--fail-if-worse', 'any']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /Coherence .*better/);
    assert.match(r.stdout, /Clarity .*worse/);
    assert.match(r.stdout, /Paired: 60 songs/);
    assert.match(r.stdout, /warning: HEAR-Lite .* is a proxy model/);
    assert.match(r.stderr, /significantly worse \(any\)/);
  });

  it('--markdown for a pull request; a gate on a dimension that did not get worse exits 0', async () => {
    const r = await hear(['compare', fileA, fileB, '--markdown', '--resamples', '1000', '--fail-if-worse', 'Musicality']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^### HEAR comparison: .*ckpt-b\.json \(B\) vs .*ckpt-a\.json \(A\)/);
    assert.match(r.stdout, /> \*\*Warning:\*\* HEAR-Lite/);
    assert.match(r.stdout, /\*\*Verdict:\*\* Overall: B better/);
  });

  it('--json is the comparison with every number; --seed makes it reproducible', async () => {
    const one = JSON.parse((await hear(['compare', fileA, fileB, '--json', '--resamples', '500', '--seed', '9'])).stdout);
    assert.equal(one.rows.length, 6);
    assert.equal(one.seed, 9);
    assert.equal(one.paired, true);
  });

  it('a usage error exits 2', async () => {
    assert.equal((await hear(['compare', fileA, fileB, '--fail-if-worse', 'groove'])).code, 2);
  });
});

describe('hear eval', { concurrency: true }, () => {
  const EVAL = join(ROOT, 'test/fixtures/stats/eval');
  const expected = JSON.parse(readFileSync(join(EVAL, 'expected.json'), 'utf8'));

  it('prints the official table (3 decimals) with the system level, and notes unmatched songs', async () => {
    const r = await hear(['eval', '--labels', join(EVAL, 'metadata.jsonl'), '--pred', join(EVAL, 'predictions.json'), '--system-key', 'system']);
    assert.equal(r.code, 0, r.stderr);
    const coherence = expected.utterance.dimensions.Coherence;
    const cells = ['lcc', 'srcc', 'ktau', 'tta'].map((m) => (Math.round(coherence[m] * 1000) / 1000).toFixed(3));
    assert.match(r.stdout, new RegExp(`Coherence\\s*│ ${cells.join(' │ ')} │`));
    assert.match(r.stdout, /Utterance level \(48 songs\)/);
    assert.match(r.stdout, /System level \(6 systems by "system"/);
    assert.match(r.stderr, /1 labelled songs have no prediction \(matched by file stem\): mp3\/999\.mp3/);
  });

  it('--json --track 1 gives Musicality alone, unrounded and rounded', async () => {
    const r = await hear(['eval', '--labels', join(EVAL, 'metadata.jsonl'), '--pred', join(EVAL, 'predictions.json'), '--track', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.dimensions, ['Musicality']);
    assert.ok(Math.abs(json.utterance.dimensions[0].values.lcc - expected.track1.lcc) < 1e-12);
    assert.equal(json.utterance.dimensions[0].rounded.lcc, Math.round(expected.track1.lcc * 1000) / 1000);
  });

  it('usage errors exit 2; a bad labels file exits 1 naming it', async () => {
    assert.equal((await hear(['eval', '--labels', join(EVAL, 'metadata.jsonl')])).code, 2);
    const bad = join(scratch, 'bad.jsonl');
    writeFileSync(bad, '{"file_name": "a.mp3"}\n');
    const r = await hear(['eval', '--labels', bad, '--pred', fileA]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.jsonl: no dimension/);
  });
});

describe('hear export', { concurrency: true }, () => {
  it('writes a REAPER region CSV of the named song; a song without segments is refused', async () => {
    const results = join(scratch, 'segments.jsonl');
    const base = { labels: [...DIMENSIONS], thresholds: [4, 4, 3.75, 3.75, 4], scores: [4, 4, 4, 4, 4] };
    const segments = [
      { index: 0, start: 0, end: 30, scores: [4, 4, 4, 4, 4] },
      { index: 1, start: 30, end: 41.5, scores: [3, 3, 3, 3, 3] },
    ];
    writeFileSync(results, [{ ...base, file: '/m/one.wav', segments }, { ...base, file: '/m/two.wav', segments: [] }].map((r) => JSON.stringify(r)).join('\n'));
    const out = join(scratch, 'one.csv');
    const r = await hear(['export', results, 'one', '--format', 'reaper', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readFileSync(out, 'utf8').split('\n').slice(0, 3).map((l) => l.split(',')), [
      ['#', 'Name', 'Start', 'End', 'Length', 'Color'],
      ['R1', '#1 overall 4.00 | Coh 4.00 Mus 4.00 Mem 4.00 Cla 4.00 Nat 4.00 | strongest', '0:00.000', '0:30.000', '0:30.000', '30A030'],
      ['R2', '#2 overall 3.00 | Coh 3.00 Mus 3.00 Mem 3.00 Cla 3.00 Nat 3.00 | weakest', '0:30.000', '0:41.500', '0:11.500', 'D03030'],
    ]);
    const none = await hear(['export', results, 'two.wav', '--format', 'audacity']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /two\.wav: has no segment scores/);
  });
});

describe('audio folders scored on the way (tiny-hear fixture bundle)', { concurrency: true }, () => {
  const audio = join(ROOT, 'test/fixtures/audio');
  const tiny = join(ROOT, 'test/fixtures/tiny-hear');
  const runA = join(scratch, 'run-a');
  const runB = join(scratch, 'run-b');
  const place = (from: string, to: string) => {
    mkdirSync(join(to, '..'), { recursive: true });
    copyFileSync(join(audio, from), to);
  };
  place('short-8s.wav', join(runA, 'one.wav'));
  place('tail-30s.wav', join(runA, 'sub/two.wav'));
  place('short-8s.wav', join(runA, 'three.wav'));
  place('tail-30s.wav', join(runB, 'one.wav'));
  place('short-8s.wav', join(runB, 'sub/two.wav'));
  place('blip-0.2s.wav', join(runB, 'three.wav')); // too short to score: a failure, not a crash
  const labels = join(runA, 'labels.csv');
  writeFileSync(labels, 'file,Coherence,Musicality,Memorability,Clarity,Naturalness\none.wav,3,3.5,3,3,3\nsub/two.wav,4,4,4,4,4\nthree.wav,3.5,3,3.5,3.5,3.5\nmissing.wav,3,3,3,3,3\n');

  it('hear compare A/ B/ scores both folders with one model and pairs by relative path', async () => {
    const r = await hear(['compare', runA, runB, '--model', tiny, '--no-store', '--json', '--resamples', '200']);
    assert.equal(r.code, 1, r.stderr); // B's three.wav failed
    assert.match(r.stderr, /three\.wav: .*0\.5 s is needed/);
    const c = JSON.parse(r.stdout);
    assert.deepEqual([c.paired, c.pairs, c.pairedByPath, c.unpairedA], [true, 2, 2, 1]);
    assert.equal(c.a.models[0].id, 'tiny-hear');
    assert.ok(c.warnings.some((w: string) => /1 songs failed to score \(A 0, B 1\)/.test(w)));
  });

  it('hear score, compare and eval take the same engine flags and refuse bad values alike', async () => {
    const commands = [['score', runA], ['compare', runA, runB], ['eval', '--labels', labels]];
    const runs = await Promise.all(commands.flatMap((c) => [hear([...c, '--model', tiny, '--threads', '0']), hear([...c, '-m', tiny, '--ep', 'tpu'])]));
    runs.forEach((r, i) => {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, i % 2 ? /'--ep <provider>' argument 'tpu' is invalid. Allowed choices are auto, cpu, cuda, webgpu, dml, coreml/ : /'--threads <n>' argument '0' is invalid. expected a whole number >= 1/);
    });
  });

  it('hear eval --model scores the labelled songs: the same numbers as hear score --json then eval', async () => {
    const results = join(scratch, 'a.json');
    assert.equal((await hear(['score', runA, '--model', tiny, '--no-store', '--json', '--out', results])).code, 0);
    const r = await hear(['eval', '--labels', labels, '--model', tiny, '--no-store', '--json']);
    assert.equal(r.code, 1, r.stderr); // missing.wav could not be scored
    assert.match(r.stderr, /missing\.wav: no such file/);
    const viaModel = JSON.parse(r.stdout);
    const viaResults = evaluate(await readLabels(labels), (await readPredictions(results)).songs);
    assert.equal(viaModel.matched, 3);
    assert.deepEqual(viaModel.utterance.mean, viaResults.utterance.mean);
  });
});
