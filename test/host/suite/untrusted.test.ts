// Restricted Mode: a bundle inside the untrusted workspace is refused and nothing is
// scored; a bundle from elsewhere still works.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BatchSummary } from '../../../src/extension/scorer';
import { demoSong, hear } from './api';

describe('untrusted workspace', function () {
  this.timeout(60_000);

  it('runs in Restricted Mode with hear.model pointing into the workspace', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.match(vscode.workspace.getConfiguration('hear').get<string>('model')!, /models\/tiny-hear$/);
  });

  it('refuses the workspace bundle and scores nothing', async () => {
    const api = await hear();
    await api.storedLoaded();
    await assert.rejects(api.host.model(), /not trusted/);
    const summary = await vscode.commands.executeCommand<BatchSummary>('hear.scoreSong', vscode.Uri.file(demoSong()));
    assert.deepEqual(summary, { scored: 0, failed: 0, skipped: 1, cancelled: false });
    assert.equal(api.results.score(demoSong()), undefined);
    assert.match(api.statusBar.text, /select a model/);
  });

  it('still scores with a bundle from outside the workspace', async () => {
    const api = await hear();
    const outside = path.resolve(api.extensionUri.fsPath, 'test/fixtures/tiny-hear');
    const config = vscode.workspace.getConfiguration('hear');
    await config.update('model', outside, vscode.ConfigurationTarget.Workspace);
    const summary = await vscode.commands.executeCommand<BatchSummary>('hear.scoreSong', vscode.Uri.file(demoSong()));
    assert.deepEqual(summary, { scored: 1, failed: 0, skipped: 0, cancelled: false });
    assert.equal(api.results.score(demoSong())?.model.id, 'tiny-hear');
  });

  it('scores with the bundled default model, HEAR-Lite, when hear.model is not set, and says it is a proxy', async () => {
    const api = await hear();
    await vscode.workspace.getConfiguration('hear').update('model', undefined, vscode.ConfigurationTarget.Workspace);
    assert.equal(vscode.workspace.getConfiguration('hear').get<string>('model'), 'hear-lite');
    const summary = await vscode.commands.executeCommand<BatchSummary>('hear.scoreSong', vscode.Uri.file(demoSong()));
    assert.deepEqual(summary, { scored: 1, failed: 0, skipped: 0, cancelled: false });
    const score = api.results.score(demoSong())!;
    assert.equal(score.model.id, 'hear-lite');
    assert.equal(score.model.proxy, true);
    score.scores.forEach((v) => assert.ok(v >= 1 && v <= 5, `${v} in the score range`));
    assert.match(api.statusBar.text, /HEAR-Lite \(proxy\)/);
  });
});
