// Scoring through the commands: one song, a folder with a corrupt file, and a
// cancelled folder; the Songs view and the Explorer badges follow.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BatchSummary } from '../../../src/extension/scorer';
import { album, albumSongs, brokenSong, demoSong, hear } from './api';
import { available as harness, queryWebview, waitFor } from './harness';

describe('scoring', function () {
  this.timeout(90_000);

  before(async () => {
    const api = await hear();
    await api.storedLoaded();
    await vscode.commands.executeCommand('hear.clearScores', false);
  });

  it('Score Song fills the tree with scores and gives the file a badge', async () => {
    const api = await hear();
    const uri = vscode.Uri.file(demoSong());
    const summary = await vscode.commands.executeCommand<BatchSummary>('hear.scoreSong', uri);
    assert.deepEqual(summary, { scored: 1, failed: 0, skipped: 0, cancelled: false });
    const score = api.results.score(demoSong());
    assert.ok(score);
    assert.deepEqual(score.labels, ['Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness']);
    assert.equal(score.segments.length, 3);

    const item = api.songs.spec({ kind: 'song', file: demoSong() });
    assert.equal(item.contextValue, 'song.scored');
    assert.equal(item.description.slice(0, 4), score.overall.toFixed(2));
    assert.match(item.tooltip, /\| Coherence \| \d\.\d\d \| 4\.00 \|/);
    const dims = await api.songs.getChildren({ kind: 'song', file: demoSong() });
    assert.deepEqual(dims.map((d) => api.songs.spec(d).label), score.labels);

    // The status bar names the provider that ran.
    await waitFor('the provider in the status bar', () => (/ · cpu$/.test(api.statusBar.text) ? true : undefined));

    const badge = api.decorations.provideFileDecoration(uri);
    assert.ok(badge?.badge && badge.badge.length <= 2, `badge ${badge?.badge}`);
    assert.match(badge.tooltip ?? '', /^HEAR \d\.\d\d/);
  });

  it('shows the badge in the Explorer', async function () {
    if (!harness) this.skip();
    const name = path.basename(demoSong());
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(demoSong()));
    // The badge is drawn by a CSS ::after rule on the row's label.
    const probe = `(() => {
      const row = [...document.querySelectorAll('.explorer-folders-view .monaco-list-row')].find((r) => (r.getAttribute('aria-label') || '').startsWith(${JSON.stringify(name)}));
      if (!row) return null;
      return [...row.querySelectorAll('*')].map((e) => getComputedStyle(e, '::after').content).filter((c) => c && c !== 'none' && c !== 'normal');
    })()`;
    const expected = JSON.stringify((await hear()).decorations.provideFileDecoration(vscode.Uri.file(demoSong()))!.badge);
    const contents = await waitFor('the Explorer badge', async () => {
      const r = await queryWebview('.explorer-folders-view', {}, undefined, probe);
      const c = r.results.evaluate as string[] | null;
      return c && c.includes(expected) ? c : undefined;
    });
    assert.ok(contents.includes(expected));
  });

  it('Score Songs in Folder scores the good songs and reports the corrupt one', async () => {
    const api = await hear();
    const summary = await vscode.commands.executeCommand<BatchSummary>('hear.scoreFolder', vscode.Uri.file(album()));
    assert.deepEqual(summary, { scored: 2, failed: 1, skipped: 0, cancelled: false });
    for (const f of albumSongs()) assert.ok(api.results.score(f), `${f} not scored`);
    const failure = api.results.failure(brokenSong());
    assert.ok(failure);
    assert.ok(failure.error.startsWith(brokenSong()), failure.error);
    const item = api.songs.spec({ kind: 'song', file: brokenSong() });
    assert.equal(item.contextValue, 'song.failed');
    assert.match(item.description, /^failed: /);
    assert.equal(api.decorations.provideFileDecoration(vscode.Uri.file(brokenSong()))?.badge, '!');
    const folder = api.songs.spec({ kind: 'folder', dir: album() });
    assert.match(folder.description, /^3 songs · mean \d\.\d\d/);
    assert.match(folder.description, /1 failed/);
    // The host still answers commands.
    assert.ok((await vscode.commands.getCommands(true)).includes('hear.scoreSong'));
  });

  it('cancelling mid-folder stops before the remaining songs', async () => {
    const api = await hear();
    await vscode.commands.executeCommand('hear.clearScores', false);
    // Cancel the moment the first song starts (as the notification's Cancel button or
    // HEAR: Cancel Scoring would), so the outcome does not depend on how fast songs score.
    const started = new Promise<void>((resolve) => {
      const sub = api.scorer.onDidChangeState((state) => {
        if (!state.active) return;
        sub.dispose();
        api.scorer.cancelAll();
        resolve();
      });
    });
    const running = vscode.commands.executeCommand<BatchSummary>('hear.scoreFolder', vscode.Uri.file(album()));
    await started;
    const summary = await running;
    assert.equal(summary.cancelled, true);
    assert.ok(summary.skipped >= 1, JSON.stringify(summary));
    assert.ok(summary.scored + summary.failed < 3, JSON.stringify(summary));
    assert.equal(api.scorer.state.active, undefined);
    // Score the folder again for the next suites (reload).
    const again = await vscode.commands.executeCommand<BatchSummary>('hear.scoreFolder', vscode.Uri.file(album()));
    assert.equal(again.scored, 2);
    await vscode.commands.executeCommand('hear.scoreSong', vscode.Uri.file(demoSong()));
  });

  it('Score Workspace takes every listed song', async () => {
    const summary = await vscode.commands.executeCommand<BatchSummary>('hear.scoreWorkspace');
    // album (2 and the corrupt file), demos (1), checkpoints/a and /b (3 each).
    assert.deepEqual(summary, { scored: 9, failed: 1, skipped: 0, cancelled: false });
  });

  it('sorts a folder by score', async () => {
    const api = await hear();
    await vscode.commands.executeCommand('hear.sortByScore');
    const songs = await api.songs.getChildren({ kind: 'folder', dir: album() });
    const overall = songs.map((s) => (s.kind === 'song' ? api.results.score(s.file)?.overall : undefined));
    const scored = overall.filter((v): v is number => v !== undefined);
    assert.deepEqual(scored, [...scored].sort((a, b) => b - a));
    assert.equal(overall.at(-1), undefined, 'the failed song sorts last');
    await vscode.commands.executeCommand('hear.sortByName');
  });

  it('exports the scores as CSV', async () => {
    const api = await hear();
    const target = vscode.Uri.file(path.join(album(), '..', 'scores.csv'));
    await vscode.commands.executeCommand('hear.exportScores', 'csv', target);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    const lines = text.trim().split('\n');
    assert.equal(lines[0], 'file,overall,Coherence,Musicality,Memorability,Clarity,Naturalness,top_tier,model,model_version,proxy,provider,scored_at');
    assert.equal(lines.length, 1 + api.results.scoredCount);
  });
});
