// After a window reload (the harness loads the page again after the main suite):
// stored scores are there at once, without scoring; and a report panel revived
// from its saved state shows the song again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { albumSongs, demoSong, hear } from './api';
import { available as harness, waitFor } from './harness';
import { reportDom } from './report-dom';

describe('after a window reload', function () {
  this.timeout(60_000);

  it('shows the stored scores at once, without running the model', async () => {
    const api = await hear();
    await api.storedLoaded();
    for (const f of [demoSong(), ...albumSongs()]) assert.ok(api.results.score(f), `${f} has no stored score`);
    assert.equal(await api.host.providerReport(), undefined, 'no inference ran');
    const item = api.songs.spec({ kind: 'song', file: demoSong() });
    assert.equal(item.contextValue, 'song.scored');
  });

  // A page load does not wait for the workbench to save its editors, and a test run
  // cannot survive the workbench's own Reload Window, so the test hands the serializer
  // a panel and the state the webview saved, as the workbench does after a reload.
  it('revives the report panel from its saved state', async function () {
    const api = await hear();
    const panel = vscode.window.createWebviewPanel('hear.report', 'HEAR report', vscode.ViewColumn.Active);
    await api.reportSerializer.deserializeWebviewPanel(panel, { file: demoSong() });
    await waitFor('the revived panel', () => (api.reportFile() === demoSong() ? true : undefined));
    if (!harness) this.skip();
    const dom = await reportDom();
    assert.equal(dom.dimensions.count, 5);
  });

  it('closes a panel whose saved state is unreadable', async () => {
    const api = await hear();
    const panel = vscode.window.createWebviewPanel('hear.report', 'HEAR report', vscode.ViewColumn.Active);
    let closed = false;
    panel.onDidDispose(() => (closed = true));
    await api.reportSerializer.deserializeWebviewPanel(panel, { file: 42 });
    assert.equal(closed, true);
  });
});
