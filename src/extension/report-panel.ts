// The song report: a webview panel in the shape of VS Code's webview sample (one
// panel, createOrShow / revive, strict CSP with a nonce, local resources only,
// messages checked), restored after a reload by a serializer.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SongScore } from '../core/types';
import { parseFromWebview, parseReportState, type ReportData, type ReportState, type ToWebview } from '../webview/protocol';
import { Disposable } from './dispose';
import type { EngineHost } from './engine-host';
import { PanelSerializer } from './panel-serializer';
import type { Results } from './results';
import type { Scorer } from './scorer';
import { ENVELOPE_BUCKETS, ENVELOPE_SAMPLE_RATE, peakEnvelope } from './waveform';
import { pageHtml, panelOptions } from './webview-html';

export interface ReportDeps {
  extensionUri: vscode.Uri;
  results: Results;
  host: EngineHost;
  scorer: Scorer;
  log: vscode.LogOutputChannel;
}

export class ReportPanel extends Disposable {
  static readonly viewType = 'hear.report';
  private static current: ReportPanel | undefined;
  private file: string;
  private ready = false;
  private envelope: { file: string; peaks: Promise<number[]> } | undefined;

  /** The panel on screen, for tests. */
  static get currentFile(): string | undefined {
    return ReportPanel.current?.file;
  }

  /** `column`: where to open it (default: beside the active editor, else in the active group). */
  static createOrShow(deps: ReportDeps, file: string, column?: vscode.ViewColumn): void {
    column ??= vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    if (ReportPanel.current) {
      ReportPanel.current.panel.reveal(column);
      ReportPanel.current.show(file);
      return;
    }
    const panel = vscode.window.createWebviewPanel(ReportPanel.viewType, 'HEAR report', column, ReportPanel.options(deps, file));
    ReportPanel.current = new ReportPanel(panel, deps, file);
  }

  /** Reopens the panel after a window reload on the song it showed. */
  static serializer(deps: ReportDeps): PanelSerializer<ReportState> {
    return new PanelSerializer('report', deps.log, parseReportState, (s) => s.file, (panel, state) => {
      panel.webview.options = ReportPanel.options(deps, state.file);
      ReportPanel.current?.dispose();
      ReportPanel.current = new ReportPanel(panel, deps, state.file);
    });
  }

  /** Scripts from dist/webview, styles from media, and the song's own folder for the player. */
  private static options(deps: ReportDeps, file: string): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return panelOptions(deps.extensionUri, [vscode.Uri.file(path.dirname(file))]);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly deps: ReportDeps, file: string) {
    super();
    this.file = file;
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m) => void this.onMessage(m)));
    this.register(deps.results.onDidChange((files) => {
      if (!files || files.includes(this.file)) void this.send();
    }));
    this.show(file);
  }

  private show(file: string): void {
    this.file = file;
    this.ready = false;
    this.panel.title = `HEAR: ${path.basename(file)}`;
    this.panel.webview.options = ReportPanel.options(this.deps, file);
    this.panel.webview.html = this.html();
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.deps.log.warn(`report: ignored a malformed message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.send();
        return;
      case 'score':
        // The new score (or failure) comes back through results.onDidChange.
        await this.post({ type: 'scoring', file: this.file, name: path.basename(this.file) });
        await this.deps.scorer.score([this.file], { force: message.force });
        return;
      case 'open':
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(this.file));
        return;
      case 'exportReport':
        await vscode.commands.executeCommand('hear.exportReport', vscode.Uri.file(this.file));
        return;
      case 'exportMarkers':
        await vscode.commands.executeCommand('hear.exportSegmentMarkers', vscode.Uri.file(this.file));
        return;
    }
  }

  private async post(message: ToWebview): Promise<void> {
    if (this.ready && !this.isDisposed) await this.panel.webview.postMessage(message);
  }

  /** Sends the song's result (from memory, else the store), or says it has none. */
  private async send(): Promise<void> {
    if (!this.ready) return;
    const file = this.file;
    const name = path.basename(file);
    let score: SongScore | undefined = this.deps.results.score(file);
    if (!score) {
      try {
        score = await (await this.deps.host.engine()).lookup(file);
        if (score) this.deps.results.setScore(score);
      } catch (err) {
        await this.post({ type: 'missing', file, name, message: err instanceof Error ? err.message : String(err) });
        return;
      }
    }
    if (!score) {
      const failure = this.deps.results.failure(file);
      await this.post({ type: 'missing', file, name, message: failure ? failure.error : 'This song is not scored yet.' });
      return;
    }
    const report: ReportData = {
      file,
      name,
      audioUri: this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString(),
      score,
      envelope: await this.peaks(file),
    };
    if (file === this.file) await this.post({ type: 'report', report });
  }

  /** The waveform, decoded in the engine's audio workers (never on the extension host's loop). */
  private peaks(file: string): Promise<number[]> {
    if (this.envelope?.file !== file) {
      const peaks = this.deps.host
        .loadCore()
        .then((core) => core.loadAudio(file, { sampleRate: ENVELOPE_SAMPLE_RATE }))
        .then((audio) => peakEnvelope(audio.samples, ENVELOPE_BUCKETS))
        .catch((err: unknown) => {
          this.deps.log.warn(`report: no waveform for ${file}: ${err instanceof Error ? err.message : String(err)}`);
          return [];
        });
      this.envelope = { file, peaks };
    }
    return this.envelope.peaks;
  }

  private html(): string {
    return pageHtml(this.panel.webview, this.deps.extensionUri, {
      title: 'HEAR report',
      rootId: 'hear-report',
      script: 'report',
      styles: ['report'],
      state: { file: this.file },
      media: true,
    });
  }

  override dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    this.panel.dispose();
    super.dispose();
  }
}
