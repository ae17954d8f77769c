// Scores songs one by one through the engine, one cancellable progress
// notification per batch, batches queued behind each other. The engine decodes in
// workers and runs inference asynchronously, so the extension host stays free.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SongFailure, SongScore } from '../core/types';
import { Disposable } from './dispose';
import type { EngineHost } from './engine-host';
import type { Results } from './results';

export interface BatchSummary {
  scored: number;
  failed: number;
  /** Files not reached because the batch was cancelled. */
  skipped: number;
  cancelled: boolean;
}

/** Each file's score or failure, after scoring those without a result. */
export interface ScoredFiles {
  scores: SongScore[];
  failures: SongFailure[];
  /** The user cancelled, or the model could not load: the files lack results. */
  incomplete: boolean;
}

export interface ScorerState {
  /** The batch in progress: files done and in total, the current file. */
  active?: { done: number; total: number; file: string };
  /** Files waiting in later batches. */
  queued: number;
}

interface Batch {
  files: string[];
  force: boolean;
  resolve: (summary: BatchSummary) => void;
  controller: AbortController;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class Scorer extends Disposable {
  private readonly queue: Batch[] = [];
  private current: Batch | undefined;
  private stateValue: ScorerState = { queued: 0 };
  private readonly stateChanged = this.register(new vscode.EventEmitter<ScorerState>());
  readonly onDidChangeState = this.stateChanged.event;

  constructor(
    private readonly host: EngineHost,
    private readonly results: Results,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  get state(): ScorerState {
    return this.stateValue;
  }

  /** Queues the files; resolves when this batch is done or cancelled. */
  score(files: readonly string[], options: { force?: boolean } = {}): Promise<BatchSummary> {
    const unique = [...new Set(files)];
    return new Promise((resolve) => {
      this.queue.push({ files: unique, force: options.force ?? false, resolve, controller: new AbortController() });
      this.publish();
      if (!this.current) void this.drain();
    });
  }

  /**
   * The results of `files` in their order, scoring (in one batch, with its progress
   * notification) only those the extension has no result for: the engine answers
   * from its store when a file was scored before. A file that failed is not retried
   * until it changes (Score Song retries it).
   */
  async scored(files: readonly string[]): Promise<ScoredFiles> {
    const missing = files.filter((f) => !this.results.score(f) && !this.results.failure(f));
    const summary = missing.length ? await this.score(missing) : undefined;
    const scores: SongScore[] = [];
    const failures: SongFailure[] = [];
    for (const f of files) {
      const score = this.results.score(f);
      const failure = this.results.failure(f);
      if (score) scores.push(score);
      else if (failure) failures.push(failure);
    }
    return { scores, failures, incomplete: !!summary && (summary.cancelled || summary.skipped > 0) };
  }

  /** Cancels the batch in progress and every queued one. */
  cancelAll(): void {
    for (const b of [this.current, ...this.queue]) b?.controller.abort();
  }

  private publish(active?: ScorerState['active']): void {
    this.stateValue = { active, queued: this.queue.reduce((n, b) => n + b.files.length, 0) };
    this.stateChanged.fire(this.stateValue);
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.shift()!;
      this.current = batch;
      void vscode.commands.executeCommand('setContext', 'hear.scoring', true);
      let summary: BatchSummary;
      try {
        summary = await this.runBatch(batch);
      } catch (err) {
        // The model could not load: nothing in this batch can be scored.
        this.log.error(`scoring stopped: ${message(err)}`);
        void vscode.window.showErrorMessage(`HEAR: ${message(err)}`, 'Select Model', 'Show Log').then((pick) => {
          if (pick === 'Select Model') void vscode.commands.executeCommand('hear.selectModel');
          if (pick === 'Show Log') this.log.show();
        });
        summary = { scored: 0, failed: 0, skipped: batch.files.length, cancelled: false };
      }
      this.current = undefined;
      batch.resolve(summary);
    }
    void vscode.commands.executeCommand('setContext', 'hear.scoring', false);
    this.publish();
  }

  private async runBatch(batch: Batch): Promise<BatchSummary> {
    const engine = await this.host.engine();
    await engine.model();
    const total = batch.files.length;
    const summary: BatchSummary = { scored: 0, failed: 0, skipped: 0, cancelled: false };
    const title = total === 1 ? `HEAR: scoring ${path.basename(batch.files[0])}` : `HEAR: scoring ${total} songs`;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => batch.controller.abort());
        const signal = batch.controller.signal;
        for (const [i, file] of batch.files.entries()) {
          if (signal.aborted) break;
          this.publish({ done: i, total, file });
          progress.report({ message: total > 1 ? `${i + 1} of ${total}: ${path.basename(file)}` : undefined });
          let reported = 0;
          const started = Date.now();
          try {
            const score = await engine.score(file, {
              force: batch.force,
              signal,
              onProgress: ({ fraction }) => {
                // withProgress sums increments: report each file's share as it grows.
                const step = ((fraction - reported) * 100) / total;
                if (step > 0) progress.report({ increment: step });
                reported = fraction;
              },
            });
            if (reported < 1) progress.report({ increment: ((1 - reported) * 100) / total });
            this.results.setScore(score);
            summary.scored++;
            this.log.info(`${file}: overall ${score.overall.toFixed(3)} in ${Date.now() - started} ms (${score.provider})`);
          } catch (err) {
            if (signal.aborted) break;
            const code = (err as { code?: string }).code ?? 'INTERNAL';
            this.results.setFailure({ file, error: message(err), code });
            summary.failed++;
            this.log.error(`${message(err)} [${code}]`);
          }
        }
      },
    );
    summary.cancelled = batch.controller.signal.aborted;
    summary.skipped = total - summary.scored - summary.failed;
    if (summary.cancelled) this.log.info(`scoring cancelled: ${summary.scored} scored, ${summary.skipped} not reached`);
    if (summary.failed) {
      void vscode.window
        .showWarningMessage(`HEAR: ${summary.failed} of ${total} song${total === 1 ? '' : 's'} could not be scored.`, 'Show Log')
        .then((pick) => pick && this.log.show());
    }
    return summary;
  }

  override dispose(): void {
    this.cancelAll();
    super.dispose();
  }
}
