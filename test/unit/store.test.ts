import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ScoreStore } from '../../src/core/store';
import type { SongScore } from '../../src/core/types';
import { tempDir } from './engine-helpers';

const model = { id: 'tiny-hear', version: '0.1.0' };
const quiet = (): undefined => undefined;

function score(file: string, hash: string, value = 3): SongScore {
  return {
    file,
    contentHash: hash,
    model: { ...model, name: 'Tiny', proxy: true },
    labels: ['Musicality'],
    thresholds: [4],
    scores: [value],
    overall: value,
    topTier: [value >= 4],
    allTopTier: value >= 4,
    segments: [{ index: 0, start: 0, end: 30, scores: [value] }],
    provider: 'cpu',
    timings: { decodeMs: 1, sourcesMs: 2, headMs: 3, segmentsMs: 4, totalMs: 10 },
    scoredAt: '2026-01-01T00:00:00.000Z',
  };
}

const stamp = { size: 100, mtimeMs: 1000 };

describe('score store', () => {
  it('persists results by content hash and finds an unchanged path by size + mtime', async () => {
    const dir = tempDir();
    const a = new ScoreStore(dir, model, quiet);
    await a.put('/m/a.wav', stamp, score('/m/a.wav', 'h1', 4.5));
    assert.deepEqual(readdirSync(dir), ['tiny-hear@0.1.0.json']);

    const b = new ScoreStore(dir, model, quiet);
    assert.equal((await b.lookupByStamp('/m/a.wav', stamp))?.scores[0], 4.5);
    assert.equal(await b.lookupByStamp('/m/a.wav', { ...stamp, mtimeMs: 2000 }), undefined, 'touched: not trusted by stamp');
    assert.equal((await b.lookupByHash('h1'))?.overall, 4.5, 'same content: found by hash');
    // A copy elsewhere with the same content is remembered under its own path.
    await b.rememberPath('/other/copy.wav', { size: 100, mtimeMs: 5 }, 'h1');
    const c = new ScoreStore(dir, model, quiet);
    assert.equal((await c.lookupByStamp('/other/copy.wav', { size: 100, mtimeMs: 5 }))?.file, '/other/copy.wav');
  });

  it('sets a corrupt store aside with a warning and keeps working', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny-hear@0.1.0.json'), '{"format": "hear-store/1", "byHash": {');
    const warnings: string[] = [];
    const store = new ScoreStore(dir, model, (level, message) => level === 'warn' && warnings.push(message));
    assert.equal((await store.all()).size, 0);
    assert.match(warnings[0]!, /tiny-hear@0.1.0.json: unreadable .*moved aside to .*\.corrupt-/);
    await store.put('/m/a.wav', stamp, score('/m/a.wav', 'h1'));
    assert.deepEqual(readdirSync(dir).map((f) => f.replace(/corrupt-.*/, 'corrupt-T')).sort(), ['tiny-hear@0.1.0.json', 'tiny-hear@0.1.0.json.corrupt-T']);
    // A file of the wrong shape is set aside the same way.
    writeFileSync(join(dir, 'tiny-hear@0.1.0.json'), '[1, 2, 3]');
    assert.equal((await new ScoreStore(dir, model, quiet).all()).size, 0);
    assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 2);
  });

  it('serialises concurrent writes and loses none of them', async () => {
    const dir = tempDir();
    const store = new ScoreStore(dir, model, quiet);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.put(`/m/${i}.wav`, stamp, score(`/m/${i}.wav`, `h${i}`, 1 + i / 50))));
    const reread = await new ScoreStore(dir, model, quiet).all();
    assert.equal(reread.size, 50);
    assert.equal(reread.get('/m/49.wav')?.scores[0], 1 + 49 / 50);
    assert.deepEqual(readdirSync(dir), ['tiny-hear@0.1.0.json'], 'no temp files left behind');
  });

  it('merges what another process wrote instead of overwriting it', async () => {
    const dir = tempDir();
    const cli = new ScoreStore(dir, model, quiet);
    const extension = new ScoreStore(dir, model, quiet);
    await Promise.all([cli.all(), extension.all()]); // both loaded before either writes
    await extension.put('/m/e.wav', stamp, score('/m/e.wav', 'he'));
    await cli.put('/m/c.wav', stamp, score('/m/c.wav', 'hc'));
    await extension.put('/m/e2.wav', stamp, score('/m/e2.wav', 'he2'));
    const all = await new ScoreStore(dir, model, quiet).all();
    assert.deepEqual([...all.keys()].sort(), ['/m/c.wav', '/m/e.wav', '/m/e2.wav']);
  });

  it('forgets cleared paths and results no path refers to; a rescored path replaces its result', async () => {
    const dir = tempDir();
    const store = new ScoreStore(dir, model, quiet);
    await store.put('/m/a.wav', stamp, score('/m/a.wav', 'shared'));
    await store.rememberPath('/m/b.wav', stamp, 'shared');
    await store.put('/m/c.wav', stamp, score('/m/c.wav', 'old'));
    await store.put('/m/c.wav', { ...stamp, mtimeMs: 2 }, score('/m/c.wav', 'new', 2));
    await store.clear(['/m/a.wav']);
    const file = JSON.parse(readFileSync(join(dir, 'tiny-hear@0.1.0.json'), 'utf8'));
    assert.deepEqual(Object.keys(file.byPath).sort(), ['/m/b.wav', '/m/c.wav']);
    assert.deepEqual(Object.keys(file.byHash).sort(), ['new', 'shared']);
    await store.clear();
    assert.equal((await new ScoreStore(dir, model, quiet).all()).size, 0);
  });

  it('keeps a memory-only store off the disk', async () => {
    const store = new ScoreStore(undefined, model, quiet);
    await store.put('/m/a.wav', stamp, score('/m/a.wav', 'h'));
    assert.equal((await store.all()).size, 1);
    assert.equal(store.file, undefined);
  });

  it('loads and lists 10,000 stored results quickly', async () => {
    const dir = tempDir();
    const byHash: Record<string, SongScore> = {};
    const byPath: Record<string, unknown> = {};
    for (let i = 0; i < 10000; i++) {
      byHash[`h${i}`] = { ...score(`/m/${i}.wav`, `h${i}`), segments: Array.from({ length: 8 }, (_, k) => ({ index: k, start: 30 * k, end: 30 * k + 30, scores: [1, 2, 3, 4, 5] })) };
      byPath[`/m/${i}.wav`] = { ...stamp, hash: `h${i}` };
    }
    writeFileSync(join(dir, 'tiny-hear@0.1.0.json'), JSON.stringify({ format: 'hear-store/1', model, byHash, byPath }));
    const t0 = performance.now();
    const all = await new ScoreStore(dir, model, quiet).all();
    const ms = performance.now() - t0;
    assert.equal(all.size, 10000);
    assert.ok(ms < 1500, `loading 10,000 results took ${ms.toFixed(0)} ms`);
  });
});
