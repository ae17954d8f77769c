// Shared by the host suites: the extension under test, its API and the test workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HearApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'hear-tools.hear-song-aesthetics';

export async function hear(): Promise<HearApi> {
  const ext = vscode.extensions.getExtension<HearApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** The test workspace made by test/host/workspace.mjs. */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the host tests need the test workspace open');
  return folder.uri.fsPath;
}

export const album = () => path.join(workspaceDir(), 'album');
export const demos = () => path.join(workspaceDir(), 'demos');
export const demoSong = () => path.join(demos(), 'song-75s.wav');
export const albumSongs = () => ['short-8s.wav', 'tail-30s.wav'].map((f) => path.join(album(), f));
export const brokenSong = () => path.join(album(), 'zz-broken.wav');
/** Two checkpoints' runs of the same three prompts (test/host/workspace.mjs). */
export const checkpointA = () => path.join(workspaceDir(), 'checkpoints', 'a');
export const checkpointB = () => path.join(workspaceDir(), 'checkpoints', 'b');
/** The fixture bundle's copy inside the workspace. */
export const workspaceBundle = () => path.join(workspaceDir(), 'models', 'tiny-hear');
