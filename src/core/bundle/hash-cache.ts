// Remembers which bundle files were hashed, keyed by real path + size + mtime.
//
// Persisted (when given a file) rather than per process: a HEAR-sized bundle holds ~2.5 GB of
// weights, and hashing it costs seconds at every CLI run and every extension activation. A file
// rewritten with the same size and mtime would slip through, as with make or rsync's quick check;
// `hear models verify` always rehashes.
import { isRecord, readJsonOrSetAside, writeJsonAtomic } from '../json-file';
import { silentLog, type Log } from '../log';

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

interface CacheFile {
  format: 'hear-verified/1';
  files: Record<string, Entry>;
}

function isCacheFile(v: unknown): v is CacheFile {
  return isRecord(v) && v.format === 'hear-verified/1' && isRecord(v.files);
}

export class HashCache {
  private entries = new Map<string, Entry>();
  private loaded: Promise<void> | undefined;
  private dirty = false;

  /** `file` undefined: remember in memory only. */
  constructor(private readonly file?: string, private readonly log: Log = silentLog) {}

  async load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.file) return;
      const data = await readJsonOrSetAside(this.file, isCacheFile, this.log).catch((err: Error) => {
        this.log('warn', `${this.file}: ${err.message}; hashes will be recomputed`);
        return undefined;
      });
      for (const [path, e] of Object.entries(data?.files ?? {})) {
        if (typeof e?.sha256 === 'string' && typeof e.size === 'number' && typeof e.mtimeMs === 'number') this.entries.set(path, e);
      }
    })();
    return this.loaded;
  }

  get(path: string, size: number, mtimeMs: number): string | undefined {
    const e = this.entries.get(path);
    return e && e.size === size && e.mtimeMs === mtimeMs ? e.sha256 : undefined;
  }

  set(path: string, size: number, mtimeMs: number, sha256: string): void {
    this.entries.set(path, { size, mtimeMs, sha256 });
    this.dirty = true;
  }

  /** Persist new entries; a failure to write only costs a rehash next time, so it is logged, not thrown. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    const data: CacheFile = { format: 'hear-verified/1', files: Object.fromEntries(this.entries) };
    await writeJsonAtomic(this.file, data).catch((err: Error) => this.log('warn', `${this.file}: could not save (${err.message})`));
  }
}
