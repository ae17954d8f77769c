// The small Disposable base of VS Code's own samples: a class collects what it
// registers and releases all of it once.
import type * as vscode from 'vscode';

export function disposeAll(disposables: vscode.Disposable[]): void {
  while (disposables.length) disposables.pop()?.dispose();
}

export abstract class Disposable {
  private disposed = false;
  protected readonly disposables: vscode.Disposable[] = [];

  protected register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.disposables);
  }
}
