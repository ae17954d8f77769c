// Activation: logging first, then each service and registration pushed onto
// context.subscriptions. Nothing here loads the engine or onnxruntime; stored
// scores are read right after activation returns.
import { performance } from 'node:perf_hooks';
import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { registerCommands, type Services } from './commands';
import { ComparisonPanel, type ComparisonRun } from './comparison-panel';
import { SongDecorations } from './decorations';
import { EngineHost } from './engine-host';
import { EvaluationPanel } from './evaluation-panel';
import { ModelPanel } from './model-panel';
import { ReportPanel } from './report-panel';
import { Results } from './results';
import { Scorer } from './scorer';
import { readSettings } from './settings';
import { SongsView } from './songs-view';
import { StatusBar } from './status-bar';

/** What activate() returns: the services, for the host tests and other extensions. */
export interface HearApi extends Services {
  /** Milliseconds activate() took. */
  activationMs: number;
  statusBar: StatusBar;
  decorations: SongDecorations;
  reportSerializer: vscode.WebviewPanelSerializer;
  comparisonSerializer: vscode.WebviewPanelSerializer;
  modelSerializer: vscode.WebviewPanelSerializer;
  evaluationSerializer: vscode.WebviewPanelSerializer;
  /** Settles when the stored scores of the active model are in (or failed to load). */
  storedLoaded(): Promise<void>;
  reportFile(): string | undefined;
  /** The comparison on screen, if any. */
  comparisonRun(): ComparisonRun | undefined;
}

let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): HearApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('HEAR', { log: true });
  const results = new Results();
  const host = new EngineHost(context.globalStorageUri.fsPath, log);
  const scorer = new Scorer(host, results, log);
  const songs = new SongsView(results, log);
  const services: Services = { extensionUri: context.extensionUri, results, host, scorer, songs, log };
  const statusBar = new StatusBar(host, scorer);
  const decorations = new SongDecorations(results);
  const reportSerializer = ReportPanel.serializer(services);
  const comparisonSerializer = ComparisonPanel.serializer(services);
  const modelSerializer = ModelPanel.serializer(services);
  const evaluationSerializer = EvaluationPanel.serializer(services);

  context.subscriptions.push(
    log,
    results,
    host,
    scorer,
    songs,
    statusBar,
    decorations,
    vscode.window.registerWebviewPanelSerializer(ReportPanel.viewType, reportSerializer),
    vscode.window.registerWebviewPanelSerializer(ComparisonPanel.viewType, comparisonSerializer),
    vscode.window.registerWebviewPanelSerializer(ModelPanel.viewType, modelSerializer),
    vscode.window.registerWebviewPanelSerializer(EvaluationPanel.viewType, evaluationSerializer),
    ...registerCommands(services),
    scoreOnOpen(scorer, results),
  );

  const loadStored = async (): Promise<void> => {
    try {
      const engine = await host.engine();
      results.replaceAll(await engine.storedForModel());
      log.info(`store: ${results.scoredCount} stored scores for the active model`);
    } catch (err) {
      log.warn(`store: no stored scores loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
    await statusBar.refreshModel();
  };
  // After activation returns: reading the store is file I/O the workbench need not wait for.
  let stored = new Promise<void>((resolve) => setImmediate(resolve)).then(loadStored);
  context.subscriptions.push(host.onDidChangeEngine(() => (stored = loadStored())));
  shutdown = () => host.shutdown();

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    ...services,
    activationMs,
    statusBar,
    decorations,
    reportSerializer,
    comparisonSerializer,
    modelSerializer,
    evaluationSerializer,
    storedLoaded: () => stored,
    reportFile: () => ReportPanel.currentFile,
    comparisonRun: () => ComparisonPanel.currentRun,
  };
}

/** hear.scoreOnOpen: score a listed audio file when a tab opens on it. */
function scoreOnOpen(scorer: Scorer, results: Results): vscode.Disposable {
  return vscode.window.tabGroups.onDidChangeTabs((e) => {
    const { scoreOnOpen: enabled, include, exclude } = readSettings();
    if (!enabled) return;
    const included = picomatch(include, { dot: true, nocase: true });
    const excluded = picomatch(exclude, { dot: true });
    const files = e.opened
      .map((t) => (t.input instanceof vscode.TabInputCustom || t.input instanceof vscode.TabInputText ? t.input.uri : undefined))
      .filter((u): u is vscode.Uri => u?.scheme === 'file')
      .filter((u) => {
        const rel = vscode.workspace.asRelativePath(u, false);
        return included(rel) && !excluded(rel) && !results.score(u.fsPath);
      })
      .map((u) => u.fsPath);
    if (files.length) void scorer.score(files);
  });
}

export async function deactivate(): Promise<void> {
  await shutdown?.();
}
