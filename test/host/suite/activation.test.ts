// Activation: the extension loads without the engine, registers every command it
// contributes, and lists the workspace's songs grouped by folder.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { album, checkpointA, checkpointB, demos, EXTENSION_ID, hear } from './api';

describe('activation', () => {
  it('activates quickly without loading onnxruntime or the engine', async () => {
    const api = await hear();
    assert.ok(api.activationMs < 500, `activate() took ${api.activationMs} ms`);
    const loaded = Object.keys(require.cache);
    assert.ok(!loaded.some((m) => m.includes(`${path.sep}onnxruntime-node${path.sep}`)), 'onnxruntime-node was loaded at activation');
  });

  it('registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 12);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  it('lists the audio files grouped by folder, leaving other files out', async () => {
    const api = await hear();
    const folders = await api.songs.getChildren();
    const dirs = folders.map((f) => (f.kind === 'folder' ? f.dir : ''));
    assert.deepEqual(dirs, [album(), checkpointA(), checkpointB(), demos()]);
    const songs = await api.songs.getChildren(folders[0]);
    assert.deepEqual(songs.map((s) => (s.kind === 'song' ? path.basename(s.file) : '')), ['short-8s.wav', 'tail-30s.wav', 'zz-broken.wav']);
    const folderItem = api.songs.spec(folders[0]);
    assert.equal(folderItem.label, 'album');
    assert.match(folderItem.description, /^3 songs/);
  });

  it('shows the active model and that it is a proxy in the status bar', async () => {
    const api = await hear();
    await api.storedLoaded();
    assert.match(api.statusBar.text, /Tiny HEAR \(test fixture\) \(proxy\)/);
    assert.match(api.statusBar.tooltipText, /Proxy model/);
  });
});
