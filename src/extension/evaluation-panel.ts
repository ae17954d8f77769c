// Evaluate Model: the official SongEval metrics of a scorer against labels, in
// a webview panel (the shape of VS Code's webview sample). Predictions come
// from a results file of `hear score`, or from scoring the labelled songs with
// the active model (stored scores reused); the engine's evaluate() computes the
// numbers `hear eval` prints, and dist/webview/evaluation.js draws them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Evaluation } from '../core/metrics';
import { parseEvaluationState, parseFromEvaluation, type EvaluationState, type ToEvaluation } from '../webview/protocol';
import { Disposable } from './dispose';
import { evaluationView } from './evaluation-view';
import { modelLabel } from './format';
import { PagePost, pageMessage } from './page-post';
import { PanelSerializer } from './panel-serializer';
import type { ReportDeps } from './report-panel';
import { pathOf, pickFolder, shownPath, targets } from './targets';
import { pageHtml, panelOptions } from './webview-html';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class EvaluationPanel extends Disposable {
  static readonly viewType = 'hear.evaluation';
  private static current: EvaluationPanel | undefined;
  private readonly page: PagePost<ToEvaluation>;
  private work: Promise<Evaluation | undefined> = Promise.resolve(undefined);

  /** Opens (or reuses) the panel; resolves with the evaluation shown, or undefined when it failed. */
  static createOrShow(deps: ReportDeps, state: EvaluationState): Promise<Evaluation | undefined> {
    if (!EvaluationPanel.current) {
      const panel = vscode.window.createWebviewPanel(EvaluationPanel.viewType, 'HEAR evaluation', vscode.ViewColumn.Active, panelOptions(deps.extensionUri));
      EvaluationPanel.current = new EvaluationPanel(panel, deps);
    } else {
      EvaluationPanel.current.panel.reveal(vscode.ViewColumn.Active);
    }
    return EvaluationPanel.current.evaluate(state);
  }

  /** Reopens the panel after a window reload, evaluating again. */
  static serializer(deps: ReportDeps): PanelSerializer<EvaluationState> {
    return new PanelSerializer('evaluation', deps.log, parseEvaluationState, (s) => s.labels, (panel, state) => {
      panel.webview.options = panelOptions(deps.extensionUri);
      EvaluationPanel.current?.dispose();
      EvaluationPanel.current = new EvaluationPanel(panel, deps);
      void EvaluationPanel.current.evaluate(state);
    });
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly deps: ReportDeps) {
    super();
    this.page = new PagePost<ToEvaluation>(panel.webview, { type: 'busy', message: 'Evaluating…' }, () => !this.isDisposed);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m) => void this.onMessage(m)));
  }

  private evaluate(state: EvaluationState): Promise<Evaluation | undefined> {
    this.page.reload({ type: 'busy', message: state.audio ? 'Scoring the labelled songs…' : 'Reading the predictions…' });
    this.panel.title = `HEAR evaluation: ${path.basename(state.labels)}`;
    this.panel.webview.html = pageHtml(this.panel.webview, this.deps.extensionUri, { title: 'HEAR evaluation', rootId: 'hear-evaluation', script: 'evaluation', styles: ['review'], state });
    this.work = this.work.then(() => this.compute(state));
    return this.work;
  }

  private async compute(state: EvaluationState): Promise<Evaluation | undefined> {
    try {
      const core = await this.deps.host.loadCore();
      const labels = await core.readLabels(state.labels);
      let predictions;
      let source: string;
      if (state.predictions) {
        predictions = await core.readPredictions(state.predictions);
        source = `predictions from ${shownPath(state.predictions)}`;
      } else {
        const folder = state.audio!;
        const files = labels.songs.map((s) => path.resolve(folder, s.file));
        const scored = await this.deps.scorer.scored(files);
        if (scored.incomplete) throw new Error('Scoring was cancelled or the model could not load; run Evaluate Model again.');
        const model = await this.deps.host.model();
        predictions = { file: folder, songs: scored.scores, failures: scored.failures };
        source = `${modelLabel(model)}, scoring the songs in ${shownPath(folder)}`;
      }
      const evaluation = core.evaluate(labels, predictions.songs);
      const view = evaluationView(core, { labels, predictions: predictions.songs, evaluation, source, failures: predictions.failures });
      this.deps.log.info(`evaluation of ${state.labels}: ${evaluation.matched} songs, mean LCC ${core.round3(evaluation.utterance.mean.lcc)}`);
      await this.page.show({ type: 'evaluation', view });
      return evaluation;
    } catch (err) {
      this.deps.log.error(`evaluation of ${state.labels}: ${message(err)}`);
      await this.page.show({ type: 'failed', message: message(err) });
      return undefined;
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (pageMessage(raw, parseFromEvaluation, this.deps.log, 'evaluation')) await this.page.pageReady();
  }

  override dispose(): void {
    if (EvaluationPanel.current === this) EvaluationPanel.current = undefined;
    this.panel.dispose();
    super.dispose();
  }
}

/** Where the predictions come from, for tests and automation: a results file, or the folder of the labelled audio. */
export interface EvaluateSource {
  predictions?: vscode.Uri | string;
  audio?: vscode.Uri | string;
}

/**
 * HEAR: Evaluate Model, on a labels file (SongEval metadata.jsonl, or CSV):
 * asks whether to score the labelled songs or to read a results file.
 */
export async function evaluateModel(deps: ReportDeps, arg?: unknown, source: EvaluateSource = {}): Promise<Evaluation | undefined> {
  let labels = targets(arg)[0];
  if (!labels) {
    const picked = await vscode.window.showOpenDialog({ title: 'Evaluate Model: the labels file', canSelectMany: false, filters: { 'Labels (SongEval metadata.jsonl, CSV)': ['jsonl', 'csv', 'tsv'] } });
    if (!picked?.length) return undefined;
    labels = picked[0]!.fsPath;
  }
  let predictions = pathOf(source.predictions);
  let audio = pathOf(source.audio);
  if (!predictions && !audio) {
    const here = path.dirname(labels);
    type Item = vscode.QuickPickItem & { value: 'here' | 'folder' | 'results' };
    const pick = await vscode.window.showQuickPick<Item>(
      [
        { label: '$(pulse) Score the labelled songs with the active model', detail: `audio file names relative to ${shownPath(here)}`, value: 'here' },
        { label: '$(folder-opened) Score the labelled songs in another folder…', value: 'folder' },
        { label: '$(file) Read the predictions from a results file of hear score…', detail: 'JSON, JSONL or CSV', value: 'results' },
      ],
      { title: `HEAR: Evaluate Model on ${path.basename(labels)}` },
    );
    if (!pick) return undefined;
    if (pick.value === 'here') audio = here;
    else if (pick.value === 'folder') audio = await pickFolder('The folder the labelled file names are relative to', 'Select Audio Folder');
    else {
      const file = await vscode.window.showOpenDialog({ title: 'Predictions: a results file of hear score', canSelectMany: false, filters: { 'hear score results': ['json', 'jsonl', 'csv'] } });
      predictions = file?.[0]?.fsPath;
    }
    if (!predictions && !audio) return undefined;
  }
  return EvaluationPanel.createOrShow(deps, predictions ? { labels, predictions } : { labels, audio: audio! });
}
