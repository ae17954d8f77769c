// The engine facade on the fixture bundles: goldens through the inference workers, the store,
// shared computations, cancellation, and bad input (each failure a HearError naming the file).
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Engine, findAudioFiles, scoreFiles } from '../../src/core';
import { assertClose, fixtures, rejectsWith, tempDir, toneWav } from './engine-helpers';

const audio = (name: string): string => join(fixtures, 'audio', name);
const golden = (name: string): { scores: number[]; segments: { scores: number[] }[] } => JSON.parse(readFileSync(join(fixtures, 'golden', `${name}.json`), 'utf8'));

/** A copy of a fixture bundle with its manifest edited (files unchanged, so hashes still hold). */
function bundleVariant(name: string, edit: (m: any) => void): string {
  const dir = join(tempDir('hear-variant-'), name);
  cpSync(join(fixtures, name), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const engines: Engine[] = [];
function engine(options: Partial<ConstructorParameters<typeof Engine>[0]> = {}): Engine {
  const e = new Engine({ model: join(fixtures, 'tiny-hear'), provider: 'cpu', storeDir: tempDir('hear-store-'), ...options });
  engines.push(e);
  return e;
}
after(() => Promise.all(engines.map((e) => e.dispose())));

describe('engine scoring', () => {
  it('reproduces the goldens through the inference worker, with flags, timeline, audio facts and timings', async () => {
    const e = engine();
    const score = await e.score(audio('song-75s.wav'));
    const g = golden('song-75s');
    assertClose(score.scores, g.scores, 'scores');
    score.segments.forEach((s, k) => assertClose(s.scores, g.segments[k]!.scores, `segment ${k}`));
    assert.deepEqual(score.segments.map((s) => [s.index, s.start, s.end]), [[0, 0, 30], [1, 30, 60], [2, 60, 75]]);
    assert.deepEqual(score.labels, ['Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness']);
    assert.deepEqual(score.topTier, score.scores.map((v, i) => v >= score.thresholds[i]!));
    assert.equal(score.allTopTier, score.topTier.every(Boolean));
    assert.ok(Math.abs(score.overall - g.scores.reduce((a, b) => a + b) / 5) < 1e-4);
    assert.equal(score.audio?.sampleRate, 24000);
    assert.equal(score.audio?.durationSeconds, 75);
    assert.equal(score.model.id, 'tiny-hear');
    assert.equal(score.model.proxy, true);
    assert.equal(score.provider, 'cpu');
    assert.match(score.contentHash, /^[0-9a-f]{64}$/);
    for (const stage of ['decodeMs', 'sourcesMs', 'headMs', 'segmentsMs', 'totalMs'] as const) assert.ok(score.timings[stage] > 0, stage);
    assert.deepEqual(e.providerReport(), { requested: 'cpu', active: 'cpu', attempts: [{ provider: 'cpu', ok: true }] });
  });

  it('stores results, shares concurrent computations and rescores a changed file', async () => {
    const messages: string[] = [];
    const storeDir = tempDir('hear-store-');
    const e = engine({ storeDir, log: (_level, m) => messages.push(m) });
    const file = join(tempDir(), 'song.wav');
    copyFileSync(audio('short-8s.wav'), file);
    const progress: number[] = [];
    const [a, b] = await Promise.all([e.score(file, { onProgress: (p) => progress.push(p.fraction) }), e.score(file)]);
    assert.equal(messages.filter((m) => m === `scoring ${file}`).length, 1, 'one computation for two requests');
    assert.equal(a.scoredAt, b.scoredAt);
    assert.equal(progress.at(-1), 1);
    assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]!), 'progress never goes back');

    const again = await e.score(file);
    assert.equal(again.scoredAt, a.scoredAt, 'served from the store');
    assert.equal((await e.lookup(file))?.scoredAt, a.scoredAt);
    // A new engine (a new process) finds it on disk.
    const fresh = engine({ storeDir });
    assert.equal((await fresh.lookup(file))?.scoredAt, a.scoredAt);
    assert.equal((await fresh.storedForModel()).get(file)?.scoredAt, a.scoredAt);

    copyFileSync(audio('tail-30s.wav'), file);
    assert.equal(await e.lookup(file), undefined, 'changed content: nothing stored');
    const rescored = await e.score(file);
    assert.notEqual(rescored.contentHash, a.contentHash);
    assertClose(rescored.scores, golden('tail-30s').scores, 'rescored');
    assert.equal(messages.filter((m) => m === `scoring ${file}`).length, 2);

    const forced = await e.score(file, { force: true });
    assert.notEqual(forced.scoredAt, rescored.scoredAt, 'force scores again');
    await e.clear([file]);
    assert.equal(await e.lookup(file), undefined);
  });

  it('cancels a song when its only caller aborts', async () => {
    const e = engine({ persist: false });
    const controller = new AbortController();
    const pending = e.score(audio('song-75s.wav'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await rejectsWith(pending, 'CANCELLED', /song-75s.wav: .*cancelled/);
    // The engine still works afterwards.
    assertClose((await e.score(audio('short-8s.wav'))).scores, golden('short-8s').scores, 'after cancel');
  });

  it('scores .npy feature files with a head-only bundle', async () => {
    const e = engine({ model: join(fixtures, 'tiny-head') });
    const cases = JSON.parse(readFileSync(join(fixtures, 'golden', 'tiny-head.json'), 'utf8')).cases as { features: string; scores: number[] }[];
    const found = await findAudioFiles([join(fixtures, 'features')], { extensions: ['.npy'] });
    assert.equal(found.length, cases.length);
    const { results, failures } = await scoreFiles(e, found, { jobs: 1 });
    assert.deepEqual(failures, []);
    for (const c of cases) assertClose(results.find((r) => r.file === join(fixtures, c.features))!.scores, c.scores, c.features);
    await rejectsWith(e.score(audio('short-8s.wav')), 'UNSUPPORTED_FORMAT', /short-8s.wav: bundle 'tiny-head' scores feature files/);
  });
});

describe('engine bad input', () => {
  it('fails each bad file with a HearError naming it, goes on, and loses nothing stored', async () => {
    const dir = tempDir('hear-bad-');
    writeFileSync(join(dir, 'random.wav'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    writeFileSync(join(dir, 'empty.mp3'), '');
    mkdirSync(join(dir, 'folder.wav'));
    writeFileSync(join(dir, 'locked.wav'), readFileSync(audio('short-8s.wav')));
    chmodSync(join(dir, 'locked.wav'), 0o000);
    const e = engine();
    const good = await e.score(audio('short-8s.wav'));
    const files = [join(dir, 'random.wav'), join(dir, 'missing.wav'), join(dir, 'empty.mp3'), join(dir, 'folder.wav'), audio('tail-30s.wav'), audio('blip-0.2s.wav')];
    const isRoot = process.getuid?.() === 0;
    if (!isRoot) files.push(join(dir, 'locked.wav')); // root reads anything
    const seen: string[] = [];
    const { results, failures } = await scoreFiles(e, files, { jobs: 2, onResult: (r) => seen.push(r.file) });
    assert.deepEqual(results.map((r) => r.file), [audio('tail-30s.wav')]);
    assert.equal(seen.length, files.length);
    const byName = Object.fromEntries(failures.map((f) => [f.file.split('/').pop(), f]));
    assert.equal(byName['missing.wav']?.code, 'NOT_FOUND');
    assert.equal(byName['folder.wav']?.code, 'NOT_A_FILE');
    assert.equal(byName['empty.mp3']?.code, 'EMPTY');
    assert.equal(byName['blip-0.2s.wav']?.code, 'TOO_SHORT');
    assert.ok(['CORRUPT', 'UNSUPPORTED_FORMAT'].includes(byName['random.wav']!.code), byName['random.wav']!.code);
    if (!isRoot) assert.equal(byName['locked.wav']?.code, 'PERMISSION');
    for (const f of failures) assert.ok(f.error.startsWith(`${f.file}: `), f.error);
    const stored = await e.storedForModel();
    assert.equal(stored.get(audio('short-8s.wav'))?.scoredAt, good.scoredAt, 'nothing stored was lost');
    assert.equal(stored.size, 2);
  });

  it('scores unusual but valid audio: 8 kHz with 6 channels, 192 kHz stereo', async () => {
    const dir = tempDir('hear-odd-');
    toneWav(join(dir, 'six-8k.wav'), 8000, 6, 2, true);
    toneWav(join(dir, 'float-192k.wav'), 192000, 2, 2, true);
    const { results, failures } = await scoreFiles(engine({ persist: false }), [join(dir, 'six-8k.wav'), join(dir, 'float-192k.wav')]);
    assert.deepEqual(failures, []);
    assert.deepEqual(results.map((r) => [r.audio?.sampleRate, r.audio?.channels]), [[8000, 6], [192000, 2]]);
    for (const r of results) {
      assert.equal(r.segments.length, 1);
      assert.ok(r.scores.every((v) => v > 1 && v < 5), `${r.file}: ${r.scores}`);
    }
  });

  it('names the file when a too-short feature file or mismatched streams stop the pipeline', async () => {
    const npy = join(tempDir(), 'two-frames.npy');
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 32), }".padEnd(117, ' ') + '\n';
    writeFileSync(npy, Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, header.length, 0]), Buffer.from(header, 'latin1'), Buffer.alloc(2 * 32 * 4)]));
    await rejectsWith(engine({ model: join(fixtures, 'tiny-head') }).score(npy), 'TOO_SHORT', /two-frames.npy: too short to score: 2 feature frames .* at least 3/);

    const halfSecondWindows = bundleVariant('tiny-hear', (m) => Object.assign(m.scales[0], { windowSeconds: 0.5, hopSeconds: 0.5, minTailSamples: 1 }));
    await rejectsWith(
      engine({ model: halfSecondWindows, persist: false }).score(audio('short-8s.wav')),
      'LENGTH_MISMATCH',
      /short-8s.wav: feature streams differ by more than 4 frames \(bands@segment: 192, logmel@segment: 192, bands@track: 200, logmel@track: 200\)/,
    );
  });

  it('refuses a broken bundle with BAD_BUNDLE or HASH_MISMATCH naming the bundle folder', async () => {
    const tampered = bundleVariant('tiny-hear', () => undefined);
    const head = readFileSync(join(tampered, 'head.onnx'));
    head[head.length - 1] ^= 1;
    writeFileSync(join(tampered, 'head.onnx'), head);
    await rejectsWith(engine({ model: tampered }).score(audio('short-8s.wav')), 'HASH_MISMATCH', new RegExp(`^${tampered}: 'head.onnx' has sha256`));
    const escaping = bundleVariant('tiny-hear', (m) => (m.head.file = '../tiny-head/head.onnx'));
    await rejectsWith(engine({ model: escaping }).model(), 'BAD_BUNDLE', /manifest\.head\.file must match pattern/);
    const notOnnx = bundleVariant('tiny-hear', () => undefined);
    const bytes = Buffer.from('this is not an onnx graph');
    writeFileSync(join(notOnnx, 'bands.onnx'), bytes);
    const manifest = JSON.parse(readFileSync(join(notOnnx, 'manifest.json'), 'utf8'));
    Object.assign(manifest.files[0], { bytes: bytes.length, sha256: (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex') });
    writeFileSync(join(notOnnx, 'manifest.json'), JSON.stringify(manifest));
    const broken = engine({ model: notOnnx, persist: false });
    await rejectsWith(broken.score(audio('short-8s.wav')), 'BAD_BUNDLE', /bands.onnx: ONNX Runtime cannot load graph bands.onnx/);
    // In a batch the failure is the song's, with the bundle's cause; the songs after it are not tried.
    const { failures } = await scoreFiles(broken, [audio('tail-30s.wav'), audio('song-75s.wav'), audio('short-8s.wav')]);
    assert.deepEqual(failures.map((f) => [f.file, f.code]), ['tail-30s.wav', 'song-75s.wav', 'short-8s.wav'].map((n) => [audio(n), 'BAD_BUNDLE']));
    assert.match(failures[0]!.error, new RegExp(`^${audio('tail-30s.wav')}: ${notOnnx}/bands.onnx: ONNX Runtime cannot load graph`));
  });

  it('refuses a bundle the host does not allow, and an explicit provider that is not there', async () => {
    await rejectsWith(engine({ isBundleAllowed: () => 'the workspace is not trusted' }).model(), 'PERMISSION', /tiny-hear: loading this model bundle is not allowed: the workspace is not trusted/);
    assert.throws(() => engine({ provider: 'tpu' as never }), /unknown execution provider 'tpu'; choose one of auto, cpu, cuda, webgpu, dml, coreml/);
    if (process.platform === 'linux') {
      await rejectsWith(engine({ provider: 'dml', persist: false }).score(audio('short-8s.wav')), 'PROVIDER', /'dml' is not available here .*asked for explicitly, so there is no fallback/);
    }
  });
});

describe('finding audio files', () => {
  it('walks folders, expands globs, keeps named files and missing paths', async () => {
    const dir = tempDir('hear-find-');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    for (const f of ['x.wav', 'a/y.MP3', 'a/b/z.flac', 'a/notes.txt', 'a/b/w.npy']) writeFileSync(join(dir, f), '');
    assert.deepEqual(await findAudioFiles([dir]), ['a/b/z.flac', 'a/y.MP3', 'x.wav'].map((f) => join(dir, f)));
    assert.deepEqual(await findAudioFiles([join(dir, '**/*.{wav,flac}')]), ['a/b/z.flac', 'x.wav'].map((f) => join(dir, f)));
    assert.deepEqual(await findAudioFiles([join(dir, 'a/notes.txt'), join(dir, 'gone.wav'), join(dir, 'x.wav'), dir]), [
      join(dir, 'a/notes.txt'),
      join(dir, 'gone.wav'),
      join(dir, 'x.wav'),
      join(dir, 'a/b/z.flac'),
      join(dir, 'a/y.MP3'),
    ]);
    assert.deepEqual(await findAudioFiles([dir], { extensions: ['.npy'] }), [join(dir, 'a/b/w.npy')]);
  });
});
