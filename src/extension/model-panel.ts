// Inspect Model: what a bundle holds, in a webview panel (the shape of VS Code's
// webview sample). The bundle is loaded the way the engine loads it (manifest
// checked against the schema, every file verified against its sha256) and
// described by the engine's modelInfo, the facts `hear models info` prints.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFromModel, parseModelState, type ModelState, type ToModel } from '../webview/protocol';
import { Disposable } from './dispose';
import { PagePost, pageMessage } from './page-post';
import { PanelSerializer } from './panel-serializer';
import type { ReportDeps } from './report-panel';
import { readSettings } from './settings';
import { targets } from './targets';
import { pageHtml, panelOptions } from './webview-html';

export class ModelPanel extends Disposable {
  static readonly viewType = 'hear.model';
  private static current: ModelPanel | undefined;
  private readonly page: PagePost<ToModel>;
  private dir = '';

  /** What the panel shows, for the tests. */
  static get currentMessage(): ToModel | undefined {
    return ModelPanel.current?.page.shown;
  }

  /** Opens (or reuses) the panel on a bundle folder; resolves with what it shows. */
  static createOrShow(deps: ReportDeps, dir: string): Promise<ToModel> {
    if (!ModelPanel.current) {
      const panel = vscode.window.createWebviewPanel(ModelPanel.viewType, 'HEAR model', vscode.ViewColumn.Active, panelOptions(deps.extensionUri));
      ModelPanel.current = new ModelPanel(panel, deps);
    } else {
      ModelPanel.current.panel.reveal(vscode.ViewColumn.Active);
    }
    return ModelPanel.current.inspect(dir, false);
  }

  /** Reopens the panel after a window reload, verifying the bundle again. */
  static serializer(deps: ReportDeps): PanelSerializer<ModelState> {
    return new PanelSerializer('model', deps.log, parseModelState, (s) => s.dir, (panel, state) => {
      panel.webview.options = panelOptions(deps.extensionUri);
      ModelPanel.current?.dispose();
      ModelPanel.current = new ModelPanel(panel, deps);
      void ModelPanel.current.inspect(state.dir, false);
    });
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly deps: ReportDeps) {
    super();
    this.page = new PagePost<ToModel>(panel.webview, { type: 'busy', message: 'Verifying the bundle…' }, () => !this.isDisposed);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m) => void this.onMessage(m)));
  }

  private async inspect(dir: string, rehash: boolean): Promise<ToModel> {
    if (dir !== this.dir) {
      this.dir = dir;
      this.page.reload();
      this.panel.webview.html = pageHtml(this.panel.webview, this.deps.extensionUri, { title: 'HEAR model', rootId: 'hear-model', script: 'model', styles: ['review'], state: { dir } });
    }
    this.panel.title = `HEAR model: ${path.basename(dir)}`;
    await this.page.show({ type: 'busy', message: rehash ? 'Hashing every file again…' : 'Verifying the bundle…' });
    let m: ToModel;
    try {
      // Reading a bundle runs nothing from it, so an untrusted workspace may inspect its own.
      const core = await this.deps.host.loadCore();
      const bundle = await core.loadBundle(dir, new core.HashCache(this.deps.host.verifiedFilesCache), rehash);
      m = { type: 'model', model: core.modelInfo(bundle), rehashed: rehash };
      this.panel.title = `HEAR model: ${m.model.name}`;
    } catch (err) {
      m = { type: 'failed', dir, message: err instanceof Error ? err.message : String(err) };
      this.deps.log.error(`model: ${m.message}`);
    }
    await this.page.show(m);
    return m;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = pageMessage(raw, parseFromModel, this.deps.log, 'model');
    if (!m) return;
    switch (m.type) {
      case 'ready':
        await this.page.pageReady();
        return;
      case 'verify':
        await this.inspect(this.dir, true);
        return;
      case 'openManifest':
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path.join(this.dir, 'manifest.json')));
        return;
    }
  }

  override dispose(): void {
    if (ModelPanel.current === this) ModelPanel.current = undefined;
    this.panel.dispose();
    super.dispose();
  }
}

/**
 * HEAR: Inspect Model, on a bundle folder or its manifest.json, or on a bundle
 * picked from those the engine finds (the active model first).
 */
export async function inspectModel(deps: ReportDeps, arg?: unknown): Promise<ToModel | undefined> {
  const core = await deps.host.loadCore();
  let ref: string | undefined = targets(arg)[0];
  if (!ref) {
    const current = readSettings().model;
    const bundles = (await core.listBundles(core.searchRoots())).filter((b) => b.id);
    type Item = vscode.QuickPickItem & { value?: string };
    const items: Item[] = [
      { label: `$(check) Active model: ${current}`, value: current },
      ...bundles.map((b) => ({ label: b.name ?? b.id!, description: `${b.id}${b.version ? ` ${b.version}` : ''}${b.proxy ? ' · proxy model' : ''}`, detail: b.problem ?? b.dir, value: b.dir })),
      { label: '$(folder-opened) Browse for a bundle folder…', alwaysShow: true },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'HEAR: Inspect Model' });
    if (!pick) return undefined;
    ref = pick.value;
    if (!ref) {
      const dir = await vscode.window.showOpenDialog({ title: 'Inspect a model bundle folder (with manifest.json)', canSelectFolders: true, canSelectFiles: false });
      if (!dir?.length) return undefined;
      ref = dir[0]!.fsPath;
    }
  }
  let dir: string;
  try {
    dir = await core.resolveBundleDir(ref, core.searchRoots());
  } catch (err) {
    void vscode.window.showErrorMessage(`HEAR: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  return ModelPanel.createOrShow(deps, dir);
}
