// The Songs view follows the file system, and hear.scoreOnOpen scores a song
// when an editor opens it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { album, albumSongs, hear } from './api';
import { waitFor } from './harness';

describe('file system and editors', function () {
  this.timeout(60_000);
  const copy = () => path.join(album(), 'copy-of-short.wav');

  it('lists a song added on disk and drops it when deleted', async () => {
    const api = await hear();
    const listed = async () => (await api.songs.songs()).has(copy());
    fs.copyFileSync(albumSongs()[0], copy());
    await waitFor('the new song in the tree', async () => ((await listed()) ? true : undefined));
    const rows = await api.songs.getChildren({ kind: 'folder', dir: album() });
    assert.ok(rows.some((r) => r.kind === 'song' && r.file === copy()));
    fs.rmSync(copy());
    await waitFor('the deleted song to leave the tree', async () => ((await listed()) ? undefined : true));
  });

  it('scores a song when an editor opens it, with hear.scoreOnOpen', async () => {
    const api = await hear();
    const song = path.join(album(), 'opened.wav');
    fs.copyFileSync(albumSongs()[1], song);
    const config = vscode.workspace.getConfiguration('hear');
    await config.update('scoreOnOpen', true, vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(song));
      const score = await waitFor('the opened song to be scored', () => api.results.score(song));
      assert.equal(score.labels.length, 5);
    } finally {
      await config.update('scoreOnOpen', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(song);
    }
  });
});
