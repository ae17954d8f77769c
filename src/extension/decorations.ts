// Explorer badges: a scored song gets a two-character badge (see badgeOf) in its
// band's theme colour; a top-tier song passes its colour up to its folders; a song
// that failed gets "!".
import * as vscode from 'vscode';
import { BAND_COLOR, badgeOf, bandOf, formatScore, modelLabel } from './format';
import { Disposable } from './dispose';
import type { Results } from './results';

export class SongDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this.changed.event;

  constructor(private readonly results: Results) {
    super();
    this.register(results.onDidChange((files) => this.changed.fire(files ? files.map((f) => vscode.Uri.file(f)) : undefined)));
    this.register(vscode.window.registerFileDecorationProvider(this));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const score = this.results.score(uri.fsPath);
    if (score) {
      const top = score.topTier.filter(Boolean).length;
      const d = new vscode.FileDecoration(
        badgeOf(score),
        `HEAR ${formatScore(score.overall)}${score.allTopTier ? ' · top-tier' : ` · top-tier in ${top} of ${score.labels.length}`} · ${modelLabel(score.model)}`,
        new vscode.ThemeColor(BAND_COLOR[bandOf(score)]),
      );
      d.propagate = score.allTopTier;
      return d;
    }
    const failure = this.results.failure(uri.fsPath);
    if (failure) return new vscode.FileDecoration('!', `HEAR could not score this file: ${failure.code}`, new vscode.ThemeColor('list.errorForeground'));
    return undefined;
  }
}
