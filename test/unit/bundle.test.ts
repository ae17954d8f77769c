import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HashCache, listBundles, loadBundle, resolveBundleDir, validateManifest } from '../../src/core/bundle';
import { HearError } from '../../src/core/errors';
import { audioManifest, rejectsWith, tempDir, writeBundle } from './engine-helpers';

function invalid(edit: (m: Record<string, any>) => void, pattern: RegExp): void {
  const m = audioManifest({ 'src.onnx': 'a', 'head.onnx': 'b' });
  edit(m);
  assert.throws(
    () => validateManifest(m, '/bundles/x'),
    (err: unknown) => err instanceof HearError && err.code === 'BAD_BUNDLE' && err.message.startsWith('/bundles/x: ') && pattern.test(err.message),
  );
}

describe('manifest validation', () => {
  it('accepts a valid manifest', () => {
    const m = validateManifest(audioManifest({ 'src.onnx': 'a', 'head.onnx': 'b' }), '/bundles/x');
    assert.equal(m.id, 'hand-made');
    assert.deepEqual(m.labels.map((l) => l.threshold), [4, 4, 3.75, 3.75, 4]);
  });

  it('refuses what the schema refuses, naming the field', () => {
    invalid((m) => delete m.head, /required property 'head'/);
    invalid((m) => (m.id = 'Not An Id'), /manifest\.id must match pattern/);
    invalid((m) => (m.labels[0].name = 'Loudness'), /manifest\.labels\.0\.name must be equal to one of the allowed values/);
    invalid((m) => (m.extra = 1), /must NOT have additional properties \('extra'\)/);
    invalid((m) => (m.scales[0] = { id: 'segment', kind: 'window' }), /required property 'windowSeconds'/);
    invalid((m) => (m.format = 'hear-bundle/2'), /manifest\.format must be equal to constant/);
  });

  it('refuses paths that leave the folder, by the schema pattern', () => {
    invalid((m) => (m.head.file = '../head.onnx'), /manifest\.head\.file must match pattern/);
    invalid((m) => (m.files[0].path = '/etc/passwd'), /manifest\.files\.0\.path must match pattern/);
    invalid((m) => (m.sources[0].file = 'a/../../src.onnx'), /manifest\.sources\.0\.file must match pattern/);
    invalid((m) => (m.files[0].path = 'C:\\src.onnx'), /must match pattern/);
  });

  it('checks the rules the schema cannot express', () => {
    invalid((m) => (m.labels[1].name = 'Coherence'), /label 'Coherence' appears twice/);
    invalid((m) => (m.labels = [m.labels[1], m.labels[0], ...m.labels.slice(2)]), /track 2 needs the labels \[Coherence, Musicality, Memorability, Clarity, Naturalness\] in this order/);
    invalid((m) => (m.task.track = 1), /track 1 needs the labels \[Musicality\]/);
    invalid((m) => (m.labels[2].threshold = 5.5), /threshold 5.5 of Memorability is outside scoreRange \[1, 5\]/);
    invalid((m) => (m.scoreRange = [5, 1]), /scoreRange \[5, 1\] is empty/);
    invalid((m) => (m.streams[1].source = 'muq'), /names undeclared source 'muq'/);
    invalid((m) => (m.streams[1].scale = 'long'), /names undeclared scale 'long'/);
    invalid((m) => m.streams.push({ source: 'src', scale: 'track' }), /stream src@track appears twice/);
    invalid((m) => m.sources.push({ id: 'src', file: 'src.onnx', dim: 4 }), /source 'src' is declared twice/);
    invalid((m) => (m.head.inputDim = 9), /streams give 8 features per frame but head.inputDim is 9/);
    invalid((m) => (m.head.file = 'other.onnx'), /'other.onnx' is used but not listed in files/);
    invalid((m) => m.files.push({ ...m.files[0] }), /file 'src.onnx' is listed twice/);
    invalid((m) => (m.scales[0].windowSeconds = 30.00001), /windowSeconds 30.00001 is not a whole number of samples at 24000 Hz/);
    invalid((m) => (m.streams = []), /an audio bundle needs at least one stream/);
    invalid((m) => (m.input = 'features'), /a head-only bundle \(input "features"\) has empty sources, scales and streams/);
  });

  it('checks a framed source: its frames file listed, whole samples per frame, windows starting on whole frames', () => {
    const framed = (m: Record<string, any>): void => {
      m.sources[0].frames = { file: 'src-frames.onnx', dim: 3 };
      m.files.push({ ...m.files[0], path: 'src-frames.onnx' });
    };
    const m = audioManifest({ 'src.onnx': 'a', 'head.onnx': 'b' });
    framed(m);
    assert.deepEqual(validateManifest(m, '/bundles/x').sources[0]!.frames, { file: 'src-frames.onnx', dim: 3 });
    invalid((m) => (m.sources[0].frames = { file: 'src-frames.onnx' }), /manifest\.sources\.0\.frames must have required property 'dim'/);
    invalid((m) => (m.sources[0].frames = { file: 'src-frames.onnx', dim: 3 }), /'src-frames.onnx' is used but not listed in files/);
    invalid((m) => (framed(m), (m.frameRate = 7)), /framed sources need a whole number of samples per frame, got 3428\.57/);
    invalid((m) => (framed(m), (m.scales[0].hopSeconds = 30.02)), /scale 'segment': hopSeconds 30.02 is not a whole number of frames \(960 samples each\)/);
    // The same hop is fine for sources without a frames stage: their windows compute their own frames.
    validateManifest({ ...audioManifest({ 'src.onnx': 'a', 'head.onnx': 'b' }), scales: [{ id: 'segment', kind: 'window', windowSeconds: 30, hopSeconds: 30.02, minTailSamples: 1025 }, { id: 'track', kind: 'track' }] }, '/bundles/x');
  });
});

describe('bundle files', () => {
  it('loads and verifies a bundle, remembering hashes by size and mtime', async () => {
    const dir = writeBundle();
    const store = tempDir();
    const first = await loadBundle(dir, new HashCache(join(store, 'verified.json')));
    assert.deepEqual(first.files.map((f) => f.hashedNow), [true, true]);
    // A new process (new cache object) reads the persisted entries: no rehash.
    const second = await loadBundle(dir, new HashCache(join(store, 'verified.json')));
    assert.deepEqual(second.files.map((f) => f.hashedNow), [false, false]);
    // A touched file is rehashed; force rehashes everything.
    utimesSync(join(dir, 'src.onnx'), new Date(), new Date(Date.now() + 5000));
    const third = await loadBundle(dir, new HashCache(join(store, 'verified.json')));
    assert.deepEqual(third.files.map((f) => f.hashedNow), [true, false]);
    const forced = await loadBundle(dir, new HashCache(join(store, 'verified.json')), true);
    assert.deepEqual(forced.files.map((f) => f.hashedNow), [true, true]);
  });

  it('gives BAD_BUNDLE naming the folder for a missing or unparseable manifest', async () => {
    const empty = tempDir();
    await rejectsWith(loadBundle(empty, new HashCache()), 'BAD_BUNDLE', new RegExp(`^${empty}: no manifest.json`));
    const dir = writeBundle();
    writeFileSync(join(dir, 'manifest.json'), '{"format": "hear-bundle/1",');
    await rejectsWith(loadBundle(dir, new HashCache()), 'BAD_BUNDLE', /manifest.json is not valid JSON/);
  });

  it('refuses a missing file, a wrong size and a wrong hash', async () => {
    const missing = writeBundle();
    renameSync(join(missing, 'head.onnx'), join(missing, 'gone.onnx'));
    await rejectsWith(loadBundle(missing, new HashCache()), 'BAD_BUNDLE', /'head.onnx' is missing/);

    const resized = writeBundle();
    writeFileSync(join(resized, 'head.onnx'), 'head bytes, longer');
    await rejectsWith(loadBundle(resized, new HashCache()), 'HASH_MISMATCH', /'head.onnx' has 18 bytes, the manifest says 10/);

    const tampered = writeBundle();
    writeFileSync(join(tampered, 'head.onnx'), 'HEAD BYTES');
    await rejectsWith(loadBundle(tampered, new HashCache()), 'HASH_MISMATCH', /'head.onnx' has sha256 [0-9a-f]{64}, the manifest says/);
  });

  it('refuses a symlink that leads out of the folder', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'head.onnx'), 'head bytes');
    const dir = writeBundle(undefined, { 'src.onnx': 'source bytes' });
    symlinkSync(join(outside, 'head.onnx'), join(dir, 'head.onnx'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(audioManifest({ 'src.onnx': 'source bytes', 'head.onnx': 'head bytes' })));
    await rejectsWith(loadBundle(dir, new HashCache()), 'BAD_BUNDLE', /'head.onnx' resolves to .*, outside the bundle folder/);
    // A symlink that stays inside is fine.
    const inside = writeBundle(undefined, { 'src.onnx': 'source bytes', 'weights/head.onnx': 'head bytes' });
    symlinkSync(join(inside, 'weights/head.onnx'), join(inside, 'head.onnx'));
    writeFileSync(join(inside, 'manifest.json'), JSON.stringify(audioManifest({ 'src.onnx': 'source bytes', 'head.onnx': 'head bytes', 'weights/head.onnx': 'head bytes' })));
    assert.equal((await loadBundle(inside, new HashCache())).files.length, 3);
  });

  it('sets a corrupt verified-hash file aside with a warning', async () => {
    const store = tempDir();
    writeFileSync(join(store, 'verified.json'), 'not json');
    const warnings: string[] = [];
    const bundle = await loadBundle(writeBundle(), new HashCache(join(store, 'verified.json'), (level, m) => level === 'warn' && warnings.push(m)));
    assert.equal(bundle.files.length, 2);
    assert.match(warnings.join('\n'), /verified.json: unreadable .* moved aside to .*verified.json.corrupt-/);
    assert.equal(readdirSync(store).filter((f) => f.includes('.corrupt-')).length, 1);
    assert.ok(existsSync(join(store, 'verified.json')), 'rewritten after the check');
  });
});

describe('bundle registry', () => {
  it('finds a bundle by folder, by manifest.json and by id (highest version in the first root)', async () => {
    const root = tempDir();
    for (const [name, version] of [['a', '1.0.0'], ['b', '1.10.0'], ['c', '1.9.0']]) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name!, 'manifest.json'), JSON.stringify({ id: 'tiny', version }));
    }
    const other = tempDir();
    mkdirSync(join(other, 'z'));
    writeFileSync(join(other, 'z', 'manifest.json'), JSON.stringify({ id: 'tiny', version: '9.0.0' }));
    assert.equal(await resolveBundleDir('tiny', [root, other]), join(root, 'b'));
    assert.equal(await resolveBundleDir(join(root, 'a'), [other]), join(root, 'a'));
    assert.equal(await resolveBundleDir(join(root, 'a', 'manifest.json'), []), join(root, 'a'));
    const listed = await listBundles([root, other]);
    assert.deepEqual(listed.map((e) => `${e.id}@${e.version}`), ['tiny@1.0.0', 'tiny@1.10.0', 'tiny@1.9.0', 'tiny@9.0.0']);
  });

  it('says plainly that --model is needed while the default model is missing', async () => {
    await rejectsWith(resolveBundleDir('hear-lite', [tempDir()]), 'NOT_FOUND', /default model 'hear-lite' is not installed .* --model ID\|PATH/);
    await rejectsWith(resolveBundleDir('nope', [tempDir()]), 'NOT_FOUND', /no bundle with id 'nope'/);
    await rejectsWith(resolveBundleDir('./nope', []), 'NOT_FOUND', /nope: no such bundle folder or manifest.json/);
    await rejectsWith(resolveBundleDir(tempDir(), []), 'BAD_BUNDLE', /folder has no manifest.json/);
  });
});
