// `hear score` as a user runs it: exit codes, every output format, the store, bad files and bundles.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, linkSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SongScore } from '../../src/core';
import { assertClose, tempDir } from './engine-helpers';
import { hear, repoRoot } from './cli-helpers';

const fixtures = join(repoRoot, 'test', 'fixtures');
const model = join(fixtures, 'tiny-hear');
const goldenScores = (song: string): number[] => JSON.parse(readFileSync(join(fixtures, 'golden', `${song}.json`), 'utf8')).scores;

/** A folder with two good songs and a file of random bytes named .wav. */
function batch(): string {
  const dir = tempDir('hear-batch-');
  copyFileSync(join(fixtures, 'audio', 'short-8s.wav'), join(dir, 'a-short.wav'));
  copyFileSync(join(fixtures, 'audio', 'tail-30s.wav'), join(dir, 'b-tail.wav'));
  writeFileSync(join(dir, 'c-corrupt.wav'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256)));
  return dir;
}

describe('hear score', () => {
  it('scores a folder with a corrupt and a missing file: --json, exit 1, the rest scored', async () => {
    const dir = batch();
    const store = tempDir('hear-store-');
    const r = await hear(['score', '--model', model, '--store', store, '--json', '--jobs', '2', dir, join(dir, 'missing.wav')]);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { results: SongScore[]; failures: { file: string; error: string; code: string }[] };
    assert.deepEqual(out.results.map((s) => s.file), [join(dir, 'a-short.wav'), join(dir, 'b-tail.wav')]);
    assertClose(out.results[0]!.scores, goldenScores('short-8s'));
    assertClose(out.results[1]!.scores, goldenScores('tail-30s'));
    assert.deepEqual(out.failures.map((f) => f.file), [join(dir, 'c-corrupt.wav'), join(dir, 'missing.wav')]);
    assert.equal(out.failures[1]!.code, 'NOT_FOUND');
    assert.match(r.stderr, new RegExp(`^${join(dir, 'missing.wav')}: no such file$`, 'm'));
    assert.match(r.stderr, new RegExp(`^${join(dir, 'c-corrupt.wav')}: `, 'm'));

    // Again with the same store: served from it (same scoredAt); --force scores again.
    const again = JSON.parse((await hear(['score', '--model', model, '--store', store, '--json', join(dir, 'a-short.wav')])).stdout);
    assert.equal(again.results[0].scoredAt, out.results[0]!.scoredAt);
    const forced = await hear(['score', '--model', model, '--store', store, '--jsonl', '--force', join(dir, 'a-short.wav')]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(JSON.parse(forced.stdout).scoredAt, out.results[0]!.scoredAt);
  });

  it('writes JSON Lines and CSV (with the segment timeline) to --out, and a plain table', async () => {
    const dir = batch();
    const out = tempDir();
    const song = join(fixtures, 'audio', 'song-75s.wav');
    const jsonl = await hear(['score', '-m', model, '--no-store', '--out', join(out, 'r.jsonl'), song, join(dir, 'c-corrupt.wav')]);
    assert.equal(jsonl.code, 1);
    const lines = readFileSync(join(out, 'r.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assertClose(lines[0].scores, goldenScores('song-75s'));
    assert.deepEqual(Object.keys(lines[1]), ['file', 'error', 'code']);

    const csv = await hear(['score', '-m', model, '--no-store', '--csv', '--segments', '--out', join(out, 'r.csv'), song]);
    assert.equal(csv.code, 0, csv.stderr);
    const rows = readFileSync(join(out, 'r.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    assert.deepEqual(rows[0], ['file', 'Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness', 'overall', 'top_tier', 'error', 'segment', 'start', 'end']);
    assert.equal(rows.length, 1 + 1 + 3, 'header, the song, three segments');
    assertClose(rows[1]!.slice(1, 6).map(Number), goldenScores('song-75s'));
    assert.deepEqual(rows.slice(2).map((r) => r.slice(9)), [['0', '0', '30'], ['1', '30', '60'], ['2', '60', '75']]);

    const table = await hear(['score', '-m', model, '--no-store', song]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /proxy scores: Random weights/);
    assert.match(table.stdout, /song-75s\.wav/);
    assert.doesNotMatch(table.stdout, /\x1b\[/, 'no colour when not a terminal');
    assert.match(table.stderr, /scored 1 of 1 files in [\d.]+ s on cpu/);
  });

  it('exits 2 on usage errors', async () => {
    const usage = await Promise.all([
      hear(['score']),
      hear(['score', '--ep', 'tpu', 'x.wav']),
      hear(['score', '--threads', '0', 'x.wav']),
      hear(['score', '-m', model, '--json', '--csv', 'x.wav']),
    ]);
    for (const r of usage) assert.equal(r.code, 2, r.stderr);
    assert.match(usage[1]!.stderr, /Allowed choices are auto, cpu, cuda, webgpu, dml, coreml/);
  });

  it('scores with the bundled default model, HEAR-Lite, as PyTorch does, and marks its scores as proxy scores', async () => {
    const song = join(fixtures, 'audio', 'song-75s.wav');
    const golden = JSON.parse(readFileSync(join(fixtures, 'golden', 'hear-lite-song-75s.json'), 'utf8'));
    const [json, table] = await Promise.all([hear(['score', '--no-store', '--json', song]), hear(['score', '--no-store', song])]);
    assert.equal(json.code, 0, json.stderr);
    const result = (JSON.parse(json.stdout) as { results: SongScore[] }).results[0]!;
    assert.equal(result.model.id, 'hear-lite');
    assert.equal(result.model.proxy, true);
    assertClose(result.scores, golden.scores);
    assert.deepEqual(result.segments.map((s) => [s.start, s.end]), golden.segments.map((s: { start: number; end: number }) => [s.start, s.end]));
    result.segments.forEach((s, i) => assertClose(s.scores, golden.segments[i].scores));
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /proxy scores: HEAR-Lite learned targets/);
  });

  it('refuses broken bundles with a clear reason and exit 1', async () => {
    const tampered = join(tempDir(), 'bundle');
    cpSync(model, tampered, { recursive: true });
    writeFileSync(join(tampered, 'head.onnx'), Buffer.alloc(readFileSync(join(model, 'head.onnx')).length));
    const badJson = join(tempDir(), 'bundle');
    cpSync(model, badJson, { recursive: true });
    writeFileSync(join(badJson, 'manifest.json'), '{ "id": ');
    const song = join(fixtures, 'audio', 'short-8s.wav');
    const [hash, json] = await Promise.all([hear(['score', '-m', tampered, '--no-store', song]), hear(['score', '-m', badJson, '--no-store', song])]);
    assert.equal(hash.code, 1);
    assert.match(hash.stderr, new RegExp(`${tampered}: 'head.onnx' has sha256 [0-9a-f]{64}, the manifest says`));
    assert.equal(json.code, 1);
    assert.match(json.stderr, /manifest.json is not valid JSON/);

    // A graph ONNX Runtime cannot load (hash intact) fails every song with one cause, shown twice then counted.
    const notOnnx = join(tempDir(), 'bundle');
    cpSync(model, notOnnx, { recursive: true });
    const bytes = Buffer.from('not an onnx graph');
    writeFileSync(join(notOnnx, 'bands.onnx'), bytes);
    const manifest = JSON.parse(readFileSync(join(notOnnx, 'manifest.json'), 'utf8'));
    Object.assign(manifest.files[0], { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    writeFileSync(join(notOnnx, 'manifest.json'), JSON.stringify(manifest));
    const songs = ['short-8s', 'song-75s', 'tail-30s', 'short-8s'].map((s, i) => {
      const copy = join(tempDir(), `${i}-${s}.wav`);
      copyFileSync(join(fixtures, 'audio', `${s}.wav`), copy);
      return copy;
    });
    const graph = await hear(['score', '-m', notOnnx, '--no-store', ...songs]);
    assert.equal(graph.code, 1);
    const lines = graph.stderr.trim().split('\n');
    assert.match(lines[0]!, new RegExp(`^${songs[0]}: ${notOnnx}/bands.onnx: ONNX Runtime cannot load graph bands.onnx`));
    assert.match(lines[1]!, new RegExp(`^${songs[1]}: `));
    assert.match(lines[2]!, /^\.\.\. and 2 more files: .*bands.onnx: ONNX Runtime cannot load graph/);
  });

  it('keeps nothing on disk with --no-store', async () => {
    const cache = tempDir('hear-cache-');
    const r = await hear(['score', '-m', model, '--no-store', join(fixtures, 'audio', 'short-8s.wav')], { XDG_CACHE_HOME: cache });
    assert.equal(r.code, 0, r.stderr);
    // (ONNX Runtime itself keeps a device id under Microsoft/DeveloperTools there.)
    assert.equal(existsSync(join(cache, 'hear')), false, `found ${readdirSync(cache).join(', ')}`);
  });
});

describe('hear score interrupted', () => {
  it('on Ctrl-C writes the songs scored so far and exits 130', async () => {
    const dir = tempDir('hear-many-');
    for (let i = 0; i < 300; i++) linkSync(join(fixtures, 'audio', 'short-8s.wav'), join(dir, `song-${String(i).padStart(3, '0')}.wav`));
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'score', '-v', '-m', model, '--no-store', '--force', '--json', dir], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: tempDir('hear-cache-') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    // --verbose reports each song as it is scored: interrupt after the first one.
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/total \d+ ms/.test(stderr) && child.exitCode === null && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130, stderr);
    const out = JSON.parse(stdout) as { results: SongScore[]; failures: unknown[] };
    assert.ok(out.results.length > 0 && out.results.length < 300, `${out.results.length} scored`);
    assert.deepEqual(out.failures, []);
    assert.match(stderr, new RegExp(`scored ${out.results.length} of 300 files .*; ${300 - out.results.length} not scored \\(interrupted\\)`));
  });
});
