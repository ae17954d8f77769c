// `npm run screenshots`: the pictures in docs/images/, taken from the real host in
// a dark and a light theme: the Songs view, the Explorer badges, the report panel,
// the comparison panel.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { album, albumSongs, checkpointA, checkpointB, demoSong, demos, hear } from './api';
import { available as harness, screenshot, waitFor } from './harness';
import { panelPage } from './panel-page';
import { reportDom } from './report-dom';

const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' };
const settle = (ms = 800) => new Promise((r) => setTimeout(r, ms));

describe('screenshots', function () {
  this.timeout(120_000);

  before(async function () {
    if (!harness) this.skip();
    const api = await hear();
    await api.storedLoaded();
    await vscode.commands.executeCommand('hear.scoreFolder', vscode.Uri.file(album()));
    await vscode.commands.executeCommand('hear.scoreFolder', vscode.Uri.file(demos()));
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  });

  for (const [name, theme] of Object.entries(THEMES)) {
    it(`${name} theme`, async () => {
      const api = await hear();
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');

      // The Songs view with both folders open and one song's five dimensions.
      await vscode.commands.executeCommand('workbench.view.extension.hear');
      await settle();
      await api.songs.treeView.reveal({ kind: 'folder', dir: album() }, { expand: true, select: false });
      await api.songs.treeView.reveal({ kind: 'song', file: demoSong() }, { expand: true, select: true, focus: true });
      await settle();
      await screenshot(`songs-${name}`);

      // Explorer badges.
      await vscode.commands.executeCommand('workbench.view.explorer');
      await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(albumSongs()[0]));
      await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(demoSong()));
      await settle();
      await screenshot(`explorer-${name}`);

      // The report panel beside the Songs view.
      await vscode.commands.executeCommand('workbench.view.extension.hear');
      await vscode.commands.executeCommand('hear.showReport', vscode.Uri.file(demoSong()));
      const dom = await reportDom();
      assert.equal(dom.dimensions.count, 5);
      await waitFor('the waveform', async () => ((await reportDom()).segments.count ? true : undefined));
      await settle(1500);
      await screenshot(`report-${name}`);

      // Compare Folders on the two checkpoints' runs, with the Explorer beside it.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('workbench.view.explorer');
      const a = vscode.Uri.file(checkpointA());
      const b = vscode.Uri.file(checkpointB());
      await vscode.commands.executeCommand('revealInExplorer', b);
      assert.ok(await vscode.commands.executeCommand('hear.compareFolders', a, [a, b]));
      const page = await panelPage('#hear-comparison', { rows: '#comparison tbody th', charts: '#distributions canvas' }, 6);
      assert.equal(page.charts.count, 6);
      await settle(1500);
      await screenshot(`compare-${name}`);
    });
  }
});
