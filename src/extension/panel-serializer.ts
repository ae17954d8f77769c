// Reopening panels after a window reload (the serializer of VS Code's webview sample), one class
// for every panel: it parses the state the panel's page saved and hands it to the panel's
// `restore`; a state it cannot read is logged and its panel closed.
import type * as vscode from 'vscode';

export class PanelSerializer<S> implements vscode.WebviewPanelSerializer {
  constructor(
    private readonly panelName: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly parse: (state: unknown) => S | undefined,
    private readonly describe: (state: S) => string,
    private readonly restore: (panel: vscode.WebviewPanel, state: S) => void,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = this.parse(state);
    this.log.info(`${this.panelName}: restoring the panel on ${restored ? this.describe(restored) : `unreadable state ${JSON.stringify(state)}`}`);
    if (!restored) {
      panel.dispose();
      return;
    }
    this.restore(panel, restored);
  }
}
