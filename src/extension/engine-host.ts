// Owns the engine: made on first use from the settings, made again when they or
// the workspace trust change. The engine module (and with it onnxruntime) is
// loaded only then, so activation stays cheap: esbuild keeps './core-api' as the
// separate dist/core-api.js bundle (see esbuild.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Engine, ModelInfo } from '../core/engine';
import type { ProviderReport } from '../core/types';
import { Disposable } from './dispose';
import { ENGINE_SETTINGS, readSettings } from './settings';

type Core = typeof import('./core-api.js');

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Workspace Trust: a bundle is code-like content (graphs run by a native runtime), so
 * an untrusted workspace may not supply one. Bundles elsewhere stay allowed.
 */
export function bundleAllowed(dir: string): true | string {
  if (vscode.workspace.isTrusted) return true;
  const real = realpath(dir);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (isInside(real, realpath(folder.uri.fsPath))) {
      return `the bundle lies inside the workspace folder "${folder.name}", which is not trusted; trust the workspace to load it`;
    }
  }
  return true;
}

export class EngineHost extends Disposable {
  private current: { key: string; engine: Promise<Engine> } | undefined;
  private core: Promise<Core> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** A new engine (model, provider, threads or trust changed): stored results must be read again. */
  readonly onDidChangeEngine = this.changed.event;

  constructor(readonly storeDir: string, private readonly log: vscode.LogOutputChannel) {
    super();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (ENGINE_SETTINGS.some((k) => e.affectsConfiguration(k))) this.reset('settings changed');
    }));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.reset('workspace trusted')));
  }

  /** The engine module, loaded once on first need. */
  loadCore(): Promise<Core> {
    this.core ??= import('./core-api.js');
    return this.core;
  }

  /** The file where verified bundle hashes are remembered (shared with the engine). */
  get verifiedFilesCache(): string {
    return path.join(this.storeDir, 'verified-files.json');
  }

  get loaded(): boolean {
    return this.current !== undefined;
  }

  engine(): Promise<Engine> {
    const s = readSettings();
    const key = JSON.stringify([s.model, s.executionProvider, s.threads, vscode.workspace.isTrusted]);
    if (this.current?.key !== key) {
      if (this.current) this.release(this.current.engine);
      this.log.info(`engine: model ${s.model}, provider ${s.executionProvider}, threads ${s.threads ?? 'auto'}`);
      const engine = this.loadCore().then(
        ({ Engine }) =>
          new Engine({
            model: s.model,
            provider: s.executionProvider,
            threads: s.threads,
            storeDir: this.storeDir,
            isBundleAllowed: bundleAllowed,
            log: (level, message) => this.log[level](message),
          }),
      );
      this.current = { key, engine };
    }
    return this.current.engine;
  }

  /** The active model's facts; rejects with the engine's HearError when it cannot load. */
  async model(): Promise<ModelInfo> {
    return (await this.engine()).model();
  }

  /** Which provider ran the last inference, once one has run. */
  async providerReport(): Promise<ProviderReport | undefined> {
    if (!this.current) return undefined;
    return (await this.current.engine).providerReport();
  }

  private reset(why: string): void {
    if (!this.current) return;
    this.log.info(`engine: reloading (${why})`);
    this.release(this.current.engine);
    this.current = undefined;
    this.changed.fire();
  }

  private release(engine: Promise<Engine>): void {
    engine.then((e) => e.dispose()).catch(() => undefined);
  }

  /** Releases the engine's workers after its pending store writes. */
  async shutdown(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.engine.then((e) => e.dispose(), () => undefined);
    await this.core?.then((core) => core.disposeCompareWorker(), () => undefined);
  }

  override dispose(): void {
    if (this.current) this.release(this.current.engine);
    this.current = undefined;
    super.dispose();
  }
}
