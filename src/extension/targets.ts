// What a command was invoked on: an Explorer or editor URI (with the whole
// multi-selection as the second argument), a Songs view row, the song in the
// active editor, or a file picked in a dialog.
import * as vscode from 'vscode';
import type { SongNode } from './songs-model';

export type Target = vscode.Uri | SongNode | undefined;

export const AUDIO_EXTENSIONS = ['wav', 'wave', 'mp3', 'flac', 'ogg', 'oga', 'm4a', 'aac', 'opus', 'webm', 'mka', 'aiff', 'aif', 'wma'];

export function isUri(v: unknown): v is vscode.Uri {
  return v instanceof vscode.Uri;
}

/** The file or folder paths a command was invoked on (multi-selection included). */
export function targets(arg: unknown, all?: unknown): string[] {
  const list = Array.isArray(all) && all.length ? (all as Target[]) : [arg as Target];
  const paths: string[] = [];
  for (const t of list) {
    if (isUri(t)) {
      if (t.scheme === 'file') paths.push(t.fsPath);
    } else if (t?.kind === 'song' || t?.kind === 'dimension') paths.push(t.file);
    else if (t?.kind === 'folder') paths.push(t.dir);
  }
  return paths;
}

/** The song in the active editor tab (the built-in audio preview or a text editor). */
export function activeSong(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}

export async function pickSong(title: string): Promise<string | undefined> {
  const active = activeSong();
  if (active) return active;
  const picked = await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { Audio: AUDIO_EXTENSIONS } });
  return picked?.[0]?.fsPath;
}

export async function pickFolder(title: string, openLabel?: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    openLabel,
    canSelectFolders: true,
    canSelectFiles: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0]?.fsPath;
}

/** A path given to a command by a test or another extension: a URI or a string. */
export function pathOf(v: unknown): string | undefined {
  if (isUri(v)) return v.scheme === 'file' ? v.fsPath : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** How a path reads in messages and headings: relative to the workspace when inside it. */
export function shownPath(p: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.file(p), (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}
