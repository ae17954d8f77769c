// Compare Folders: checkpoint B's songs against baseline A's in a webview panel
// (the shape of VS Code's webview sample: one panel, createOrShow / revive,
// strict CSP, messages checked, a serializer). Both folders are scored through
// the engine (stored scores reused), compared with the engine's compareScores on a worker thread
// (the numbers `hear compare` prints) and drawn by dist/webview/comparison.js.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Comparison } from '../core/compare/compare';
import type { SongScore } from '../core/types';
import { parseComparisonState, parseFromComparison, type ComparisonState, type ToComparison } from '../webview/protocol';
import { comparisonView } from './comparison-view';
import { Disposable } from './dispose';
import { PagePost, pageMessage } from './page-post';
import { PanelSerializer } from './panel-serializer';
import { ReportPanel, type ReportDeps } from './report-panel';
import { pickFolder, shownPath, targets } from './targets';
import { pageHtml, panelOptions } from './webview-html';

/** A finished comparison and what it was computed from (for Export Report). */
export interface ComparisonRun {
  comparison: Comparison;
  songsA: SongScore[];
  songsB: SongScore[];
  rootA: string;
  rootB: string;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ComparisonPanel extends Disposable {
  static readonly viewType = 'hear.comparison';
  private static current: ComparisonPanel | undefined;
  /** What the page shows (sent again when it reloads). */
  private readonly page: PagePost<ToComparison>;
  private run: ComparisonRun | undefined;
  private work: Promise<ComparisonRun | undefined> = Promise.resolve(undefined);
  /** Counts compare() calls: a comparison that finishes after a newer one started is not shown. */
  private generation = 0;

  /** The comparison on screen, for Export Report and the tests. */
  static get currentRun(): ComparisonRun | undefined {
    return ComparisonPanel.current?.run;
  }

  static get isActive(): boolean {
    return ComparisonPanel.current?.panel.active ?? false;
  }

  /** Opens (or reuses) the panel on A and B; resolves when the comparison is shown, or undefined when it failed. */
  static createOrShow(deps: ReportDeps, state: ComparisonState): Promise<ComparisonRun | undefined> {
    const existing = ComparisonPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      return existing.compare(state);
    }
    const panel = vscode.window.createWebviewPanel(ComparisonPanel.viewType, 'HEAR comparison', vscode.ViewColumn.Active, panelOptions(deps.extensionUri));
    ComparisonPanel.current = new ComparisonPanel(panel, deps);
    return ComparisonPanel.current.compare(state);
  }

  /** Reopens the panel after a window reload, comparing the two folders again. */
  static serializer(deps: ReportDeps): PanelSerializer<ComparisonState> {
    return new PanelSerializer('comparison', deps.log, parseComparisonState, (s) => `${s.a} and ${s.b}`, (panel, state) => {
      panel.webview.options = panelOptions(deps.extensionUri);
      ComparisonPanel.current?.dispose();
      ComparisonPanel.current = new ComparisonPanel(panel, deps);
      void ComparisonPanel.current.compare(state);
    });
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly deps: ReportDeps) {
    super();
    this.page = new PagePost<ToComparison>(panel.webview, { type: 'busy', message: 'Comparing…' }, () => !this.isDisposed);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m) => void this.onMessage(m)));
  }

  private compare(state: ComparisonState): Promise<ComparisonRun | undefined> {
    this.run = undefined;
    this.page.reload({ type: 'busy', message: `Scoring ${path.basename(state.a)} and ${path.basename(state.b)}…` });
    this.panel.title = `HEAR: ${path.basename(state.b)} vs ${path.basename(state.a)}`;
    this.panel.webview.html = pageHtml(this.panel.webview, this.deps.extensionUri, {
      title: 'HEAR comparison',
      rootId: 'hear-comparison',
      script: 'comparison',
      styles: ['review'],
      state,
    });
    // A new comparison waits for the one before it (the scorer queues batches anyway).
    const generation = ++this.generation;
    this.work = this.work.then(() => this.compute(state, generation));
    return this.work;
  }

  private async compute(state: ComparisonState, generation: number): Promise<ComparisonRun | undefined> {
    const current = () => generation === this.generation && !this.isDisposed;
    try {
      const core = await this.deps.host.loadCore();
      const [filesA, filesB] = await Promise.all([core.findAudioFiles([state.a]), core.findAudioFiles([state.b])]);
      for (const [name, files] of [[state.a, filesA], [state.b, filesB]] as const) {
        if (!files.length) throw new Error(`${name}: no audio files in this folder`);
      }
      const scored = await this.deps.scorer.scored([...filesA, ...filesB]);
      if (scored.incomplete) throw new Error('Scoring was cancelled or the model could not load; the comparison needs every song scored. Run Compare Folders again.');
      const inA = new Set(filesA);
      const songsA = scored.scores.filter((s) => inA.has(s.file));
      const songsB = scored.scores.filter((s) => !inA.has(s.file));
      const comparison = await core.compareScoresInWorker(songsA, songsB, { nameA: shownPath(state.a), nameB: shownPath(state.b), rootA: state.a, rootB: state.b });
      const failedA = scored.failures.filter((f) => inA.has(f.file)).length;
      const failedB = scored.failures.length - failedA;
      if (scored.failures.length) comparison.warnings.push(`${scored.failures.length} songs failed to score (A ${failedA}, B ${failedB}) and are left out.`);
      const run: ComparisonRun = { comparison, songsA, songsB, rootA: state.a, rootB: state.b };
      if (!current()) return run;
      this.run = run;
      this.deps.log.info(`comparison: ${comparison.summary}`);
      await this.page.show({ type: 'comparison', view: comparisonView(core, comparison, songsA, songsB, { rootA: state.a, rootB: state.b }) });
      return run;
    } catch (err) {
      this.deps.log.error(`comparison of ${state.a} and ${state.b}: ${message(err)}`);
      if (current()) await this.page.show({ type: 'failed', message: message(err) });
      return undefined;
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = pageMessage(raw, parseFromComparison, this.deps.log, 'comparison');
    if (!m) return;
    switch (m.type) {
      case 'ready':
        await this.page.pageReady();
        return;
      case 'openSong': {
        // Only the songs of this comparison: the page never names another file.
        const known = this.run && [...this.run.songsA, ...this.run.songsB].some((s) => s.file === m.file);
        // Beside the comparison, which stays in view.
        if (known) ReportPanel.createOrShow(this.deps, m.file, vscode.ViewColumn.Beside);
        else this.deps.log.warn(`comparison: the page asked for a song it does not show: ${m.file}`);
        return;
      }
      case 'copyMarkdown': {
        if (!this.run) return;
        const core = await this.deps.host.loadCore();
        await vscode.env.clipboard.writeText(core.comparisonMarkdown(this.run.comparison));
        await this.panel.webview.postMessage({ type: 'copied' } satisfies ToComparison);
        void vscode.window.showInformationMessage('HEAR: the comparison is on the clipboard as Markdown.');
        return;
      }
      case 'exportReport':
        await vscode.commands.executeCommand('hear.exportReport', 'comparison');
        return;
    }
  }

  override dispose(): void {
    if (ComparisonPanel.current === this) ComparisonPanel.current = undefined;
    this.panel.dispose();
    super.dispose();
  }
}

async function isFolder(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * HEAR: Compare Folders, on the two folders selected in the Explorer (the first
 * is the baseline A), or on two picked in dialogs.
 */
export async function compareFolders(deps: ReportDeps, arg?: unknown, all?: unknown): Promise<ComparisonRun | undefined> {
  let folders = targets(arg, all);
  if (!folders.length) {
    const a = await pickFolder('Compare Folders: the baseline (A)', 'Select Baseline A');
    const b = a && (await pickFolder('Compare Folders: the candidate (B)', 'Select Candidate B'));
    if (!a || !b) return undefined;
    folders = [a, b];
  }
  const checks = await Promise.all(folders.map(isFolder));
  if (folders.length !== 2 || checks.includes(false)) {
    void vscode.window.showErrorMessage(`HEAR: Compare Folders needs exactly two folders (selected: ${folders.map((f) => path.basename(f)).join(', ')}).`);
    return undefined;
  }
  return ComparisonPanel.createOrShow(deps, { a: folders[0]!, b: folders[1]! });
}
