// After a window reload (the harness loads the page again after the main suite):
// stored scores are there at once, without scoring; and a report panel revived
// from its saved state shows the song again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as path from 'node:path';
import { albumSongs, checkpointA, checkpointB, demoSong, hear, workspaceBundle, workspaceDir } from './api';
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

  // Their pages are checked in the main suite; here, that each serializer brings its
  // panel back on its own work (a few new webviews at once load slowly in code-server).
  it('revives the comparison, model and evaluation panels from their saved state', async () => {
    const api = await hear();
    // The workbench may have restored the review suite's panels itself; start from none.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const open = (viewType: string) => vscode.window.createWebviewPanel(viewType, viewType, vscode.ViewColumn.Active);
    await api.comparisonSerializer.deserializeWebviewPanel(open('hear.comparison'), { a: checkpointA(), b: checkpointB() });
    const run = await waitFor('the revived comparison', () => api.comparisonRun());
    assert.equal(run.comparison.pairs, 3);
    const model = open('hear.model');
    await api.modelSerializer.deserializeWebviewPanel(model, { dir: workspaceBundle() });
    await waitFor('the revived model panel', () => (model.title === 'HEAR model: Tiny HEAR (test fixture)' ? true : undefined));
    // The review suite left a labels file and a results file in the workspace.
    const evaluation = open('hear.evaluation');
    let closed = false;
    evaluation.onDidDispose(() => (closed = true));
    await api.evaluationSerializer.deserializeWebviewPanel(evaluation, { labels: path.join(workspaceDir(), 'metadata.jsonl'), predictions: path.join(workspaceDir(), 'exports', 'scores.json') });
    assert.equal(evaluation.title, 'HEAR evaluation: metadata.jsonl');
    assert.equal(closed, false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
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
