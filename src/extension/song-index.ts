// The audio files of the workspace grouped by folder: what the Songs view lists.
// Kept as a map folder -> files so the view builds one folder's children at a
// time (a workspace may hold 10,000 songs) and watcher events touch one entry.
import * as path from 'node:path';

export type SortOrder = 'name' | 'score';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export class SongIndex {
  private readonly byFolder = new Map<string, Set<string>>();

  constructor(files: Iterable<string> = []) {
    for (const f of files) this.add(f);
  }

  /** Returns false when the file was already listed. */
  add(file: string): boolean {
    const dir = path.dirname(file);
    let set = this.byFolder.get(dir);
    if (!set) this.byFolder.set(dir, (set = new Set()));
    if (set.has(file)) return false;
    set.add(file);
    return true;
  }

  /** Removes a file, or every file under a deleted folder. Returns the files removed. */
  remove(target: string): string[] {
    const removed: string[] = [];
    const own = this.byFolder.get(path.dirname(target));
    if (own?.delete(target)) {
      removed.push(target);
      if (!own.size) this.byFolder.delete(path.dirname(target));
      return removed;
    }
    const prefix = target.endsWith(path.sep) ? target : target + path.sep;
    for (const [dir, files] of this.byFolder) {
      if (dir === target || dir.startsWith(prefix)) {
        removed.push(...files);
        this.byFolder.delete(dir);
      }
    }
    return removed;
  }

  has(file: string): boolean {
    return this.byFolder.get(path.dirname(file))?.has(file) ?? false;
  }

  get size(): number {
    let n = 0;
    for (const files of this.byFolder.values()) n += files.size;
    return n;
  }

  folders(): string[] {
    return [...this.byFolder.keys()].sort(collator.compare);
  }

  filesIn(folder: string): ReadonlySet<string> {
    return this.byFolder.get(folder) ?? new Set();
  }

  *allFiles(): Iterable<string> {
    for (const files of this.byFolder.values()) yield* files;
  }

  /** A folder's songs by file name, or best overall score first (unscored last, by name). */
  sortedFiles(folder: string, order: SortOrder, overallOf: (file: string) => number | undefined): string[] {
    const files = [...this.filesIn(folder)];
    const byName = (a: string, b: string) => collator.compare(path.basename(a), path.basename(b));
    if (order === 'name') return files.sort(byName);
    return files.sort((a, b) => {
      const sa = overallOf(a);
      const sb = overallOf(b);
      if (sa === undefined || sb === undefined) return sa === sb ? byName(a, b) : sa === undefined ? 1 : -1;
      return sb - sa || byName(a, b);
    });
  }
}
