// The extension's settings (contributes.configuration in package.json), read in one place.
import * as vscode from 'vscode';
import type { ProviderChoice } from '../core/types';

export const SECTION = 'hear';

export interface Settings {
  model: string;
  executionProvider: ProviderChoice;
  threads: number | undefined;
  include: string;
  exclude: string;
  scoreOnOpen: boolean;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const threads = c.get<number>('threads', 0);
  return {
    model: c.get<string>('model', 'hear-lite').trim() || 'hear-lite',
    executionProvider: c.get<ProviderChoice>('executionProvider', 'auto'),
    threads: threads > 0 ? threads : undefined,
    include: c.get<string>('include', '**/*.{wav,mp3,flac,ogg}'),
    exclude: c.get<string>('exclude', '**/{node_modules,.git}/**'),
    scoreOnOpen: c.get<boolean>('scoreOnOpen', false),
  };
}

/** Settings that need a new engine when they change. */
export const ENGINE_SETTINGS = ['hear.model', 'hear.executionProvider', 'hear.threads'];
/** Settings that change which files the Songs view lists. */
export const FILE_SETTINGS = ['hear.include', 'hear.exclude'];

/** Writes a setting where the user set it last: the workspace if it has a value there, else the user settings. */
export async function updateSetting(key: 'model' | 'executionProvider', value: string): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const inspected = c.inspect(key);
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update(key, value, target);
}
