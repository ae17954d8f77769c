// Export Report and Export Segment Markers: a standalone HTML report (charts
// inline, no network) of a song, a folder or the open comparison, and a song's
// segments as DAW markers (an Audacity label track or REAPER regions), written
// by the engine's exporters (the files `hear export` and `hear compare --html`
// write). Each command takes an optional target URI, so tests and automation
// skip the save dialog.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SongScore } from '../core/types';
import { ComparisonPanel } from './comparison-panel';
import type { ReportDeps } from './report-panel';
import { activeSong, isUri, pathOf, pickSong, shownPath, targets } from './targets';

export type MarkerFormat = 'audacity' | 'reaper';

const MARKERS: Record<MarkerFormat, { label: string; detail: string; suffix: string; filter: string; ext: string }> = {
  audacity: { label: 'Audacity label track', detail: 'File > Import > Labels…', suffix: '.labels.txt', filter: 'Audacity labels', ext: 'txt' },
  reaper: { label: 'REAPER regions (CSV)', detail: 'Region/Marker Manager > Import…', suffix: '.regions.csv', filter: 'CSV', ext: 'csv' },
};

async function save(title: string, suggested: string, filters: Record<string, string[]>, text: string, target: vscode.Uri | undefined, deps: ReportDeps): Promise<string | undefined> {
  const uri = target ?? (await vscode.window.showSaveDialog({ title, defaultUri: vscode.Uri.file(suggested), filters }));
  if (!uri) return undefined;
  await fs.writeFile(uri.fsPath, text, 'utf8');
  deps.log.info(`${title}: wrote ${uri.fsPath}`);
  if (!target) {
    void vscode.window.showInformationMessage(`HEAR: wrote ${path.basename(uri.fsPath)}.`, 'Open').then((pick) => {
      if (pick) void vscode.env.openExternal(uri);
    });
  }
  return uri.fsPath;
}

/** One song's score: in memory, else from the store or by scoring it now; undefined (and said why) when it has none. */
async function songScore(deps: ReportDeps, file: string): Promise<SongScore | undefined> {
  const { scores, failures } = await deps.scorer.scored([file]);
  if (scores[0]) return scores[0];
  if (failures[0]) void vscode.window.showErrorMessage(`HEAR: ${failures[0].error}`);
  return undefined;
}

function stem(file: string): string {
  return path.basename(file, path.extname(file));
}

async function isFolder(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * HEAR: Export Report. `arg`: a song or folder (URI or Songs row), or "comparison"
 * for the open comparison; without it, the comparison when its panel is active,
 * else the song in the active editor, else a picked song.
 */
export async function exportReport(deps: ReportDeps, arg?: unknown, all?: unknown, target?: unknown): Promise<string | undefined> {
  const out = isUri(target) ? target : undefined;
  const core = await deps.host.loadCore();
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (arg === 'comparison' || (arg === undefined && ComparisonPanel.isActive)) {
    const run = ComparisonPanel.currentRun;
    if (!run) {
      void vscode.window.showInformationMessage('HEAR: no comparison to export; run Compare Folders first.');
      return undefined;
    }
    const html = core.comparisonReportHtml(run.comparison, run.songsA, run.songsB, { rootA: run.rootA, rootB: run.rootB });
    const name = `hear-compare-${path.basename(run.rootB)}-vs-${path.basename(run.rootA)}.html`;
    return save('Export Comparison Report', path.join(root ?? run.rootB, name), { HTML: ['html'] }, html, out, deps);
  }
  const picked = targets(arg, all)[0] ?? pathOf(arg) ?? activeSong() ?? (await pickSong('Export Report'));
  if (!picked) return undefined;
  if (await isFolder(picked)) {
    const files = await core.findAudioFiles([picked]);
    if (!files.length) {
      void vscode.window.showInformationMessage(`HEAR: no audio files in ${shownPath(picked)}.`);
      return undefined;
    }
    const scored = await deps.scorer.scored(files);
    if (scored.incomplete || !scored.scores.length) return undefined;
    const html = core.folderReportHtml(scored.scores, { title: shownPath(picked), root: picked, failures: scored.failures });
    return save('Export Folder Report', path.join(picked, `${path.basename(picked)}.hear-report.html`), { HTML: ['html'] }, html, out, deps);
  }
  const score = await songScore(deps, picked);
  if (!score) return undefined;
  return save('Export Song Report', path.join(path.dirname(picked), `${stem(picked)}.hear-report.html`), { HTML: ['html'] }, core.songReportHtml(score), out, deps);
}

/** HEAR: Export Segment Markers: a song's segment scores as an Audacity label track or REAPER regions. */
export async function exportSegmentMarkers(deps: ReportDeps, arg?: unknown, all?: unknown, format?: unknown, target?: unknown): Promise<string | undefined> {
  const file = targets(arg, all)[0] ?? activeSong() ?? (await pickSong('Export Segment Markers'));
  if (!file) return undefined;
  let chosen: MarkerFormat | undefined = format === 'audacity' || format === 'reaper' ? format : undefined;
  if (!chosen) {
    const pick = await vscode.window.showQuickPick(
      (Object.keys(MARKERS) as MarkerFormat[]).map((f) => ({ label: MARKERS[f].label, detail: MARKERS[f].detail, value: f })),
      { title: `HEAR: Export Segment Markers of ${path.basename(file)}` },
    );
    if (!pick) return undefined;
    chosen = pick.value;
  }
  const score = await songScore(deps, file);
  if (!score) return undefined;
  const core = await deps.host.loadCore();
  const spec = MARKERS[chosen];
  let text: string;
  try {
    text = chosen === 'audacity' ? core.audacityLabels(score) : core.reaperRegions(score);
  } catch (err) {
    void vscode.window.showErrorMessage(`HEAR: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  return save(`Export ${spec.label}`, path.join(path.dirname(file), `${stem(file)}${spec.suffix}`), { [spec.filter]: [spec.ext] }, text, isUri(target) ? target : undefined, deps);
}
