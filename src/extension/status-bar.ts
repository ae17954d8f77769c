// One status bar item: the active model (and whether it is a proxy), the
// execution provider, and while scoring the progress and queue (click cancels).
import * as vscode from 'vscode';
import type { ModelRef } from '../core/types';
import { Disposable } from './dispose';
import type { EngineHost } from './engine-host';
import { modelLabel } from './format';
import type { Scorer, ScorerState } from './scorer';
import { readSettings } from './settings';

export class StatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('hear.status', vscode.StatusBarAlignment.Right, 100));
  private model: ModelRef | undefined;
  private modelError: string | undefined;
  private provider: string | undefined;

  constructor(private readonly host: EngineHost, private readonly scorer: Scorer) {
    super();
    this.item.name = 'HEAR';
    this.register(scorer.onDidChangeState((s) => {
      this.render(s);
      // After a batch the provider that actually ran is known.
      if (!s.active && !s.queued) void this.refreshModel();
    }));
    this.register(host.onDidChangeEngine(() => void this.refreshModel()));
    this.render(scorer.state);
    this.item.show();
  }

  /** Reads the model's facts (no inference) and the provider that ran last. */
  async refreshModel(): Promise<void> {
    try {
      this.model = await this.host.model();
      this.modelError = undefined;
    } catch (err) {
      this.model = undefined;
      this.modelError = err instanceof Error ? err.message : String(err);
    }
    this.provider = (await this.host.providerReport().catch(() => undefined))?.active;
    this.render(this.scorer.state);
  }

  /** The text shown, for tests and the screenshots. */
  get text(): string {
    return this.item.text;
  }

  get tooltipText(): string {
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
  }

  private render(state: ScorerState): void {
    const provider = this.provider ?? readSettings().executionProvider;
    const tip = new vscode.MarkdownString(undefined, true);
    if (this.model) {
      tip.appendMarkdown(`**HEAR** model: ${modelLabel(this.model)}  \nExecution provider: ${provider}`);
      if (this.model.proxy) tip.appendMarkdown(`\n\n$(warning) Proxy model: ${this.model.proxyNote ?? 'not the published HEAR weights'}`);
    } else if (this.modelError) {
      tip.appendMarkdown(`**HEAR**: no model loaded  \n${this.modelError}\n\nClick to select a model.`);
    } else {
      tip.appendMarkdown('**HEAR**: the model loads when a song is first scored.');
    }
    if (state.active) {
      this.item.text = `$(loading~spin) HEAR ${state.active.done + 1}/${state.active.total}${state.queued ? ` · ${state.queued} queued` : ''}`;
      tip.appendMarkdown(`\n\nScoring ${state.active.file}. Click to cancel.`);
      this.item.command = 'hear.cancelScoring';
    } else if (this.modelError && !this.model) {
      this.item.text = '$(warning) HEAR: select a model';
      this.item.command = 'hear.selectModel';
    } else {
      const name = this.model ? `${this.model.name}${this.model.proxy ? ' (proxy)' : ''}` : readSettings().model;
      this.item.text = `$(music) ${name} · ${provider}`;
      this.item.command = 'hear.selectModel';
    }
    this.item.tooltip = tip;
  }
}
