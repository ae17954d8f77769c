// The Songs view's data: songs grouped by folder, sorted, kept current by watcher
// events, and built fast enough for 10,000 cached songs.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { SongIndex } from '../../src/extension/song-index';
import { childNodes, dimensionSpecs, folderLabel, folderSpec, songSpec, type ResultLookup } from '../../src/extension/songs-model';
import { songScore, syntheticLibrary } from './extension-helpers';

function lookup(scores: Map<string, ReturnType<typeof songScore>>, failed: string[] = []): ResultLookup {
  return {
    score: (f) => scores.get(f),
    failure: (f) => (failed.includes(f) ? { file: f, error: `${f}: WAV fmt chunk is cut short`, code: 'TRUNCATED' } : undefined),
  };
}

describe('song index', () => {
  test('groups by folder, sorts names the way people count, and follows adds and deletes', () => {
    const index = new SongIndex(['/w/b/track-10.wav', '/w/b/track-9.wav', '/w/a/x.mp3', '/w/b/Track-1.wav']);
    assert.deepEqual(index.folders(), ['/w/a', '/w/b']);
    assert.deepEqual(index.sortedFiles('/w/b', 'name', () => undefined), ['/w/b/Track-1.wav', '/w/b/track-9.wav', '/w/b/track-10.wav']);
    assert.equal(index.add('/w/a/x.mp3'), false);
    assert.equal(index.add('/w/c/new.flac'), true);
    assert.deepEqual(index.remove('/w/b/track-9.wav'), ['/w/b/track-9.wav']);
    // A deleted folder arrives as the folder alone: everything under it goes.
    index.add('/w/b/sub/deep.wav');
    assert.deepEqual(index.remove('/w/b').sort(), ['/w/b/Track-1.wav', '/w/b/sub/deep.wav', '/w/b/track-10.wav']);
    assert.deepEqual(index.folders(), ['/w/a', '/w/c']);
    assert.equal(index.size, 2);
    // A sibling folder whose name starts the same is not under it.
    index.add('/w/ab/y.wav');
    assert.deepEqual(index.remove('/w/a'), ['/w/a/x.mp3']);
    assert.ok(index.has('/w/ab/y.wav'));
  });

  test('sorting by score puts the best first and unscored songs last, by name', () => {
    const scores = new Map([
      ['/f/low.wav', songScore('/f/low.wav', [2, 2, 2, 2, 2])],
      ['/f/high.wav', songScore('/f/high.wav', [4, 4, 4, 4, 4])],
    ]);
    const index = new SongIndex(['/f/z-none.wav', '/f/low.wav', '/f/a-none.wav', '/f/high.wav']);
    const nodes = childNodes({ kind: 'folder', dir: '/f' }, index, lookup(scores), 'score');
    assert.deepEqual(nodes.map((n) => (n.kind === 'song' ? n.file : '')), ['/f/high.wav', '/f/low.wav', '/f/a-none.wav', '/f/z-none.wav']);
  });
});

describe('rows', () => {
  const scores = new Map([['/w/album/a.wav', songScore('/w/album/a.wav', [3.73, 3.47, 2.63, 3.83, 3.48])]]);
  const results = lookup(scores, ['/w/album/bad.wav']);

  test('a scored song: overall score, colour by band, five dimension rows', () => {
    const spec = songSpec('/w/album/a.wav', results);
    assert.equal(spec.description, '3.43');
    assert.deepEqual(spec.icon, { id: 'music', color: 'charts.yellow' });
    assert.equal(spec.contextValue, 'song.scored');
    const dims = dimensionSpecs(scores.get('/w/album/a.wav')!);
    assert.deepEqual(dims.map((d) => d.label), ['Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness']);
    assert.equal(dims[3].description, '3.83 (≥ 3.75) ★');
    assert.equal(dims[0].description, '3.73 (≥ 4.00)');
  });

  test('a failed song shows its error without the path; an unscored one says so', () => {
    const bad = songSpec('/w/album/bad.wav', results);
    assert.equal(bad.description, 'failed: WAV fmt chunk is cut short');
    assert.equal(bad.contextValue, 'song.failed');
    const none = songSpec('/w/album/new.wav', results);
    assert.equal(none.description, 'not scored');
    assert.equal(none.contextValue, 'song.unscored');
  });

  test('folders are labelled relative to their workspace folder', () => {
    const roots = [{ name: 'ws', dir: '/w' }];
    assert.equal(folderLabel('/w/album/live', roots), 'album/live');
    assert.equal(folderLabel('/w', roots), 'ws');
    assert.equal(folderLabel('/w/album', [...roots, { name: 'other', dir: '/o' }]), 'ws/album');
    const index = new SongIndex(['/w/album/a.wav', '/w/album/bad.wav', '/w/album/new.wav']);
    assert.equal(folderSpec('/w/album', index, results, 'album').description, '3 songs · mean 3.43 · 1 unscored · 1 failed');
  });
});

describe('10,000 cached songs', () => {
  test('the root and a folder of the tree build in well under the 300 ms target', () => {
    const { files, scores } = syntheticLibrary();
    const results = lookup(scores);
    const started = performance.now();
    const index = new SongIndex(files);
    const folders = childNodes(undefined, index, results, 'name');
    const rows = folders.map((f) => (f.kind === 'folder' ? folderSpec(f.dir, index, results, f.dir) : undefined));
    const songs = childNodes(folders[0], index, results, 'score').map((n) => (n.kind === 'song' ? songSpec(n.file, results) : undefined));
    const ms = performance.now() - started;
    assert.equal(folders.length, 100);
    assert.equal(rows[0]?.description.startsWith('100 songs · mean '), true);
    assert.equal(songs.length, 100);
    assert.ok(ms < 300, `took ${ms.toFixed(1)} ms`);
  });
});
