// The command handlers. Each resolves what it was invoked on (an Explorer or
// editor URI, a Songs view row, the active editor, or a picker) and hands off to
// the scorer, the views or the panels (report, comparison, model, evaluation).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { compareFolders } from './comparison-panel';
import { evaluateModel, type EvaluateSource } from './evaluation-panel';
import { exportReport, exportSegmentMarkers } from './export-report';
import { exportScores, type ExportFormat } from './export-scores';
import { inspectModel } from './model-panel';
import { ReportPanel, type ReportDeps } from './report-panel';
import type { BatchSummary } from './scorer';
import { readSettings, updateSetting } from './settings';
import type { SongsView } from './songs-view';
import { pickFolder, pickSong, targets, type Target } from './targets';

export interface Services extends ReportDeps {
  songs: SongsView;
}

async function audioFilesUnder(folder: string): Promise<string[]> {
  const { include, exclude } = readSettings();
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.file(folder), include), exclude);
  return uris.map((u) => u.fsPath).sort();
}

export async function scoreSong(s: Services, arg?: Target, all?: unknown): Promise<BatchSummary | undefined> {
  let files = targets(arg, all);
  if (!files.length) {
    const picked = await pickSong('Score Song');
    if (!picked) return undefined;
    files = [picked];
  }
  // Re-scoring from the menu means "again": a failed or changed song must be retried.
  return s.scorer.score(files, { force: files.every((f) => s.results.score(f) !== undefined) });
}

export async function scoreFolder(s: Services, arg?: Target, all?: unknown): Promise<BatchSummary | undefined> {
  let folders = targets(arg, all);
  if (!folders.length) {
    const picked = await pickFolder('Score Songs in Folder');
    if (!picked) return undefined;
    folders = [picked];
  }
  const files = (await Promise.all(folders.map(audioFilesUnder))).flat();
  if (!files.length) {
    void vscode.window.showInformationMessage(`HEAR: no audio files in ${folders.map((f) => path.basename(f)).join(', ')}.`);
    return { scored: 0, failed: 0, skipped: 0, cancelled: false };
  }
  return s.scorer.score(files);
}

export async function scoreWorkspace(s: Services): Promise<BatchSummary | undefined> {
  const index = await s.songs.songs();
  const files = [...index.allFiles()].sort();
  if (!files.length) {
    void vscode.window.showInformationMessage('HEAR: no audio files in this workspace.');
    return undefined;
  }
  return s.scorer.score(files);
}

export async function showReport(s: Services, arg?: Target): Promise<void> {
  const file = targets(arg)[0] ?? (await pickSong('Show Song Report'));
  if (file) ReportPanel.createOrShow(s, file);
}

export async function selectModel(s: Services): Promise<string | undefined> {
  const core = await s.host.loadCore();
  const current = readSettings().model;
  const bundles = await core.listBundles(core.searchRoots());
  type Item = vscode.QuickPickItem & { value?: string };
  const items: Item[] = bundles
    .filter((b) => b.id)
    .map((b) => ({
      label: `${b.id === current || b.dir === current ? '$(check) ' : ''}${b.name ?? b.id}`,
      description: `${b.id}${b.version ? ` ${b.version}` : ''}${b.proxy ? ' · proxy model' : ''}`,
      detail: b.problem ?? b.dir,
      value: b.id,
    }));
  items.push({ label: '$(folder-opened) Browse for a bundle folder…', alwaysShow: true });
  const pick = await vscode.window.showQuickPick(items, { title: 'HEAR: Select Model', placeHolder: `Current: ${current}` });
  if (!pick) return undefined;
  let value = pick.value;
  if (!value) {
    const dir = await vscode.window.showOpenDialog({ title: 'Select a model bundle folder (with manifest.json)', canSelectFolders: true, canSelectFiles: false });
    if (!dir?.length) return undefined;
    value = dir[0].fsPath;
  }
  await updateSetting('model', value);
  const model = await s.host.model().catch((err: unknown) => {
    void vscode.window.showErrorMessage(`HEAR: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });
  if (model) void vscode.window.showInformationMessage(`HEAR: scoring with ${model.name} ${model.version}${model.proxy ? ' (proxy model)' : ''}.`);
  return value;
}

export async function selectExecutionProvider(s: Services): Promise<string | undefined> {
  const core = await s.host.loadCore();
  const current = readSettings().executionProvider;
  const active = (await s.host.providerReport())?.active;
  const notes: Record<string, string> = {
    auto: 'the fastest provider that loads here, ending with the CPU',
    cpu: 'runs everywhere',
    cuda: 'NVIDIA GPUs; needs CUDA 12 and cuDNN 9',
    webgpu: 'GPUs through WebGPU',
    dml: 'DirectML, Windows',
    coreml: 'Core ML, macOS',
  };
  const pick = await vscode.window.showQuickPick(
    core.PROVIDER_CHOICES.map((p) => ({ label: `${p === current ? '$(check) ' : ''}${p}`, description: `${notes[p] ?? ''}${p === active ? ' · running now' : ''}`, value: p })),
    { title: 'HEAR: Select Execution Provider', placeHolder: `Current: ${current}${active ? ` (running on ${active})` : ''}` },
  );
  if (!pick) return undefined;
  await updateSetting('executionProvider', pick.value);
  return pick.value;
}

export async function clearScores(s: Services, confirm = true): Promise<boolean> {
  if (confirm) {
    const answer = await vscode.window.showWarningMessage('Clear every stored score of the active model?', { modal: true }, 'Clear Scores');
    if (answer !== 'Clear Scores') return false;
  }
  await (await s.host.engine()).clear();
  s.results.replaceAll(new Map());
  s.log.info('scores cleared');
  return true;
}

export async function exportScoresCommand(s: Services, format?: ExportFormat, target?: vscode.Uri): Promise<string | undefined> {
  const scores = [...s.results.allScores()];
  if (!scores.length) {
    void vscode.window.showInformationMessage('HEAR: no scores to export yet.');
    return undefined;
  }
  const formats: Record<ExportFormat, { label: string; ext: string }> = {
    csv: { label: 'CSV', ext: 'csv' },
    json: { label: 'JSON', ext: 'json' },
    markdown: { label: 'Markdown', ext: 'md' },
  };
  if (!format) {
    const pick = await vscode.window.showQuickPick(
      (Object.keys(formats) as ExportFormat[]).map((f) => ({ label: formats[f].label, value: f })),
      { title: `HEAR: Export ${scores.length} Scores` },
    );
    if (!pick) return undefined;
    format = pick.value;
  }
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!target) {
    target = await vscode.window.showSaveDialog({
      title: 'Export Scores',
      defaultUri: root ? vscode.Uri.joinPath(root, `hear-scores.${formats[format].ext}`) : undefined,
      filters: { [formats[format].label]: [formats[format].ext] },
    });
    if (!target) return undefined;
  }
  await fs.writeFile(target.fsPath, exportScores(scores, format, root?.fsPath), 'utf8');
  s.log.info(`exported ${scores.length} scores to ${target.fsPath}`);
  return target.fsPath;
}

export function registerCommands(s: Services): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg('hear.scoreSong', (arg?: Target, all?: unknown) => scoreSong(s, arg, all)),
    reg('hear.scoreFolder', (arg?: Target, all?: unknown) => scoreFolder(s, arg, all)),
    reg('hear.scoreWorkspace', () => scoreWorkspace(s)),
    reg('hear.showReport', (arg?: Target) => showReport(s, arg)),
    reg('hear.selectModel', () => selectModel(s)),
    reg('hear.selectExecutionProvider', () => selectExecutionProvider(s)),
    reg('hear.clearScores', (confirm?: boolean) => clearScores(s, confirm !== false)),
    reg('hear.exportScores', (format?: ExportFormat, target?: vscode.Uri) => exportScoresCommand(s, format, target)),
    reg('hear.compareFolders', (arg?: unknown, all?: unknown) => compareFolders(s, arg, all)),
    reg('hear.inspectModel', (arg?: unknown) => inspectModel(s, arg)),
    reg('hear.evaluateModel', (arg?: unknown, _all?: unknown, source?: EvaluateSource) => evaluateModel(s, arg, source)),
    reg('hear.exportReport', (arg?: unknown, all?: unknown, target?: unknown) => exportReport(s, arg, all, target)),
    reg('hear.exportSegmentMarkers', (arg?: unknown, all?: unknown, format?: unknown, target?: unknown) => exportSegmentMarkers(s, arg, all, format, target)),
    reg('hear.cancelScoring', () => s.scorer.cancelAll()),
    reg('hear.showLog', () => s.log.show()),
    reg('hear.refreshSongs', () => s.songs.rescan()),
    reg('hear.sortByName', () => s.songs.setOrder('name')),
    reg('hear.sortByScore', () => s.songs.setOrder('score')),
  ];
}
