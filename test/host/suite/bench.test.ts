// `npm run bench:extension` (host half): activation time, the time to show the Songs
// view for 10,000 songs with cached scores, and the longest event-loop block of the
// extension host while a folder of songs is scored. Figures go to the harness as JSON.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { SongScore } from '../../../src/core/types';
import { demoSong, hear, workspaceDir } from './api';
import { available as harness, report } from './harness';

describe('benchmark', function () {
  this.timeout(240_000);
  const figures: Record<string, unknown> = {};

  before(function () {
    if (!harness) this.skip();
  });

  after(async () => {
    if (harness) await report('extensionHost', figures);
  });

  it('activation', async () => {
    const api = await hear();
    figures.activationMs = Number(api.activationMs.toFixed(2));
    figures.onnxruntimeLoadedAtActivation = Object.keys(require.cache).some((m) => m.includes('onnxruntime-node'));
  });

  it('idle event loop (the baseline: other processes share the CPU)', async () => {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    await new Promise((r) => setTimeout(r, 2000));
    histogram.disable();
    figures.idleEventLoopDelayMaxMs = Number((histogram.max / 1e6).toFixed(1));
  });

  it('scoring a folder leaves the event loop free', async () => {
    const api = await hear();
    await api.storedLoaded();
    // Eight copies of the 75 s song, scored afresh.
    const dir = path.join(workspaceDir(), 'bench-songs');
    fs.mkdirSync(dir, { recursive: true });
    const files = Array.from({ length: 8 }, (_, i) => path.join(dir, `song-${i}.wav`));
    for (const f of files) fs.copyFileSync(demoSong(), f);
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    histogram.enable();
    const started = performance.now();
    const summary = await api.scorer.score(files, { force: true });
    const wallMs = performance.now() - started;
    histogram.disable();
    clearInterval(timer);
    assert.equal(summary.scored, files.length);
    figures.scoredSongs = files.length;
    figures.scoreWallMs = Math.round(wallMs);
    figures.eventLoopDelayMaxMs = Number((histogram.max / 1e6).toFixed(1));
    figures.eventLoopDelayP99Ms = Number((histogram.percentile(99) / 1e6).toFixed(1));
    figures.longestTimerGapMs = Number(longestGap.toFixed(1));
  });

  it('shows the tree for 10,000 cached songs', async () => {
    const api = await hear();
    const dir = path.join(workspaceDir(), 'library');
    const files: string[] = [];
    for (let d = 0; d < 100; d++) {
      const sub = path.join(dir, `set-${String(d).padStart(3, '0')}`);
      fs.mkdirSync(sub, { recursive: true });
      for (let i = 0; i < 100; i++) {
        const f = path.join(sub, `track-${i}.wav`);
        fs.writeFileSync(f, '');
        files.push(f);
      }
    }
    const template = api.results.score(path.join(workspaceDir(), 'bench-songs', 'song-0.wav'))!;
    const scores = new Map<string, SongScore>(files.map((f, i) => [f, { ...template, file: f, overall: 2 + (i % 300) / 100 }]));
    api.results.replaceAll(scores);

    let started = performance.now();
    api.songs.rescan();
    const index = await api.songs.songs();
    figures.findFilesMs = Math.round(performance.now() - started);
    assert.ok(index.size >= 10_000);

    started = performance.now();
    const folders = await api.songs.getChildren();
    folders.forEach((f) => api.songs.getTreeItem(f));
    const songs = await api.songs.getChildren(folders.find((f) => f.kind === 'folder' && f.dir.startsWith(dir)));
    songs.forEach((s) => api.songs.getTreeItem(s));
    figures.treeBuildMs = Number((performance.now() - started).toFixed(1));
    figures.treeSongs = index.size;

    // And through the workbench: reveal a song deep in the list.
    started = performance.now();
    await vscode.commands.executeCommand('workbench.view.extension.hear');
    await api.songs.treeView.reveal({ kind: 'song', file: files[9_999] }, { select: true });
    figures.revealMs = Math.round(performance.now() - started);
  });
});
