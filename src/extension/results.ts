// What the extension knows about each song right now: the stored score (from the
// engine's score store) or why scoring failed. Views and badges read it; the
// scorer and the store fill it. One event says which files changed.
import * as vscode from 'vscode';
import type { SongFailure, SongScore } from '../core/types';
import { Disposable } from './dispose';

export class Results extends Disposable {
  private readonly scores = new Map<string, SongScore>();
  private readonly failures = new Map<string, SongFailure>();
  private readonly changed = this.register(new vscode.EventEmitter<readonly string[] | undefined>());
  /** Files whose result changed; undefined when everything may have. */
  readonly onDidChange = this.changed.event;

  score(file: string): SongScore | undefined {
    return this.scores.get(file);
  }

  failure(file: string): SongFailure | undefined {
    return this.failures.get(file);
  }

  get scoredCount(): number {
    return this.scores.size;
  }

  allScores(): IterableIterator<SongScore> {
    return this.scores.values();
  }

  setScore(score: SongScore): void {
    this.failures.delete(score.file);
    this.scores.set(score.file, score);
    this.changed.fire([score.file]);
  }

  setFailure(failure: SongFailure): void {
    this.scores.delete(failure.file);
    this.failures.set(failure.file, failure);
    this.changed.fire([failure.file]);
  }

  forget(files: readonly string[]): void {
    const gone = files.filter((f) => this.scores.delete(f) || this.failures.delete(f));
    if (gone.length) this.changed.fire(gone);
  }

  /** Replaces every score (a new model, or the store read at start-up); failures are forgotten. */
  replaceAll(scores: ReadonlyMap<string, SongScore>): void {
    this.scores.clear();
    this.failures.clear();
    for (const [file, s] of scores) this.scores.set(file, s);
    this.changed.fire(undefined);
  }
}
