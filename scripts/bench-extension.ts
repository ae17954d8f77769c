// `npm run bench:extension` (Node half): the Songs view's data for 10,000 songs with
// cached scores, built the way the view builds it (root folders, then one folder's
// rows), without VS Code. Prints JSON; the host half (test/host/run.mjs bench) adds
// activation time, the real tree and the event-loop figures.
import { performance } from 'node:perf_hooks';
import { SongIndex } from '../src/extension/song-index';
import { childNodes, folderSpec, songSpec, type ResultLookup } from '../src/extension/songs-model';
import { syntheticLibrary } from '../test/unit/extension-helpers';

const { files, scores } = syntheticLibrary(10_000, 100);
const results: ResultLookup = { score: (f) => scores.get(f), failure: () => undefined };

function once(): { indexMs: number; rootMs: number; folderMs: number } {
  let t = performance.now();
  const index = new SongIndex(files);
  const indexMs = performance.now() - t;
  t = performance.now();
  const folders = childNodes(undefined, index, results, 'name');
  for (const f of folders) if (f.kind === 'folder') folderSpec(f.dir, index, results, f.dir);
  const rootMs = performance.now() - t;
  t = performance.now();
  for (const s of childNodes(folders[0], index, results, 'score')) if (s.kind === 'song') songSpec(s.file, results);
  return { indexMs, rootMs, folderMs: performance.now() - t };
}

const runs = Array.from({ length: 7 }, once);
const median = (k: keyof ReturnType<typeof once>) => Number(runs.map((r) => r[k]).sort((a, b) => a - b)[3].toFixed(2));
console.log(JSON.stringify({
  songs: files.length,
  folders: 100,
  cachedScores: scores.size,
  medianOf: runs.length,
  indexMs: median('indexMs'),
  rootFoldersMs: median('rootMs'),
  folderRowsMs: median('folderMs'),
  firstRunTotalMs: Number((runs[0].indexMs + runs[0].rootMs + runs[0].folderMs).toFixed(2)),
}, null, 2));
