// `hear models list|info|verify` on the fixture bundles and on broken copies.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from './engine-helpers';
import { hear, repoRoot } from './cli-helpers';

const fixtures = join(repoRoot, 'test', 'fixtures');

function brokenCopy(edit: (dir: string) => void): string {
  const dir = join(tempDir(), 'tiny-hear');
  cpSync(join(fixtures, 'tiny-hear'), dir, { recursive: true });
  edit(dir);
  return dir;
}

describe('hear models', () => {
  it('lists the default model and the bundles from $HEAR_BUNDLE_PATH, and describes one by id', async () => {
    const env = { HEAR_BUNDLE_PATH: fixtures };
    const [list, listJson, info, infoJson] = await Promise.all([
      hear(['models', 'list'], env),
      hear(['models', 'list', '--json'], env),
      hear(['models', 'info', 'tiny-hear'], env),
      hear(['models', 'info', '--json', join(fixtures, 'tiny-head', 'manifest.json')]),
    ]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /tiny-head .*0\.1\.0 .*track 1 .*yes/);
    assert.match(list.stdout, /tiny-hear .*0\.1\.0 .*track 2 .*yes/);
    assert.match(list.stdout, /hear-lite .*track 2 .*yes .*models\/hear-lite/);
    const listed = JSON.parse(listJson.stdout);
    assert.deepEqual(listed.bundles.map((b: { id: string }) => b.id), ['hear-lite', 'tiny-head', 'tiny-hear'], 'the package\'s own models/ first');
    assert.equal(info.code, 0, info.stderr);
    for (const line of [/SongEval track 2/, /Coherence \(top tier >= 4\)/, /streams +bands@segment, logmel@segment, bands@track, logmel@track/, /segment \(30 s windows, 30 s hop\)/, /proxy +yes: Random weights/, /head\.onnx .*Apache-2\.0 .*sha256 [0-9a-f]{64}/]) {
      assert.match(info.stdout, line);
    }
    const head = JSON.parse(infoJson.stdout);
    assert.deepEqual(head.labels, ['Musicality']);
    assert.equal(head.input, 'features');
    assert.deepEqual(head.files.map((f: { verified: boolean }) => f.verified), [true]);
  });

  it('verifies a bundle, and names the cause when one is broken (exit 1)', async () => {
    const tampered = brokenCopy((dir) => {
      const head = readFileSync(join(dir, 'head.onnx'));
      head[100] ^= 0xff;
      writeFileSync(join(dir, 'head.onnx'), head);
    });
    const missing = brokenCopy((dir) => rmSync(join(dir, 'bands.onnx')));
    const escaping = brokenCopy((dir) => {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      m.files[0].path = '../outside.onnx';
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    });
    const [ok, hash, gone, outside, unknown] = await Promise.all([
      hear(['models', 'verify', join(fixtures, 'tiny-hear')]),
      hear(['models', 'verify', tampered]),
      hear(['models', 'verify', missing]),
      hear(['models', 'verify', escaping]),
      hear(['models', 'verify', 'no-such-model']),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^ok: tiny-hear 0\.1\.0 .*3 files, sha256 verified/);
    for (const r of [hash, gone, outside, unknown]) assert.equal(r.code, 1, r.stdout);
    assert.match(hash.stderr, new RegExp(`${tampered}: 'head.onnx' has sha256 [0-9a-f]{64}, the manifest says`));
    assert.match(gone.stderr, /'bands.onnx' is missing/);
    assert.match(outside.stderr, /manifest\.files\.0\.path must match pattern/);
    assert.match(unknown.stderr, /no bundle with id 'no-such-model'/);
  });
});
