// The score store: one JSON file per bundle id@version under the store folder, holding results by
// content hash and, by path, the size + mtime + hash last seen (so an unchanged file is found with
// one stat). Written atomically, writes serialised and coalesced; a corrupt file is set aside.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord, readJsonOrSetAside, writeJsonAtomic } from './json-file';
import type { Log } from './log';
import type { SongScore } from './types';

interface PathEntry {
  size: number;
  mtimeMs: number;
  hash: string;
}

interface StoreFile {
  format: 'hear-store/1';
  model: { id: string; version: string };
  byHash: Record<string, SongScore>;
  byPath: Record<string, PathEntry>;
}

function isStoreFile(v: unknown): v is StoreFile {
  return isRecord(v) && v.format === 'hear-store/1' && isRecord(v.byHash) && isRecord(v.byPath);
}

function isScore(v: unknown): v is SongScore {
  return isRecord(v) && Array.isArray(v.scores) && Array.isArray(v.labels) && typeof v.contentHash === 'string';
}

function isPathEntry(v: unknown): v is PathEntry {
  return isRecord(v) && typeof v.size === 'number' && typeof v.mtimeMs === 'number' && typeof v.hash === 'string';
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export class ScoreStore {
  private readonly byHash = new Map<string, SongScore>();
  private readonly byPath = new Map<string, PathEntry>();
  /** Removed here since the last write, so merging another process's additions does not bring them back. */
  private readonly removedPaths = new Set<string>();
  private readonly removedHashes = new Set<string>();
  private loaded: Promise<void> | undefined;
  private writer: Promise<void> | undefined;
  private dirty = false;
  /** Size + mtime of the file as last read or written by us: anything else means another process wrote it. */
  private seen: FileStamp | undefined;
  readonly file: string | undefined;

  /** `dir` undefined: a store in memory only (`--no-store`). */
  constructor(dir: string | undefined, private readonly model: { id: string; version: string }, private readonly log: Log) {
    this.file = dir ? join(dir, `${model.id}@${model.version}.json`) : undefined;
  }

  /** The stored result for `path` if its size and mtime are as when it was stored. */
  async lookupByStamp(path: string, stamp: FileStamp): Promise<SongScore | undefined> {
    await this.load();
    const entry = this.byPath.get(path);
    if (!entry || entry.size !== stamp.size || entry.mtimeMs !== stamp.mtimeMs) return undefined;
    const score = this.byHash.get(entry.hash);
    return score && { ...score, file: path };
  }

  /** The stored result for this content, wherever it was scored. */
  async lookupByHash(hash: string): Promise<SongScore | undefined> {
    await this.load();
    return this.byHash.get(hash);
  }

  /** Record that `path` (with this size and mtime) has content `hash`, whose result is stored. */
  async rememberPath(path: string, stamp: FileStamp, hash: string): Promise<void> {
    await this.load();
    this.setPath(path, { size: stamp.size, mtimeMs: stamp.mtimeMs, hash });
    await this.write();
  }

  async put(path: string, stamp: FileStamp, score: SongScore): Promise<void> {
    await this.load();
    this.byHash.set(score.contentHash, score);
    this.removedHashes.delete(score.contentHash);
    this.setPath(path, { size: stamp.size, mtimeMs: stamp.mtimeMs, hash: score.contentHash });
    await this.write();
  }

  /** path -> result for every path whose content has a stored result (no file system access). */
  async all(): Promise<Map<string, SongScore>> {
    await this.load();
    const out = new Map<string, SongScore>();
    for (const [path, entry] of this.byPath) {
      const score = this.byHash.get(entry.hash);
      if (score) out.set(path, score.file === path ? score : { ...score, file: path });
    }
    return out;
  }

  /** Forget the given paths (and results no other path refers to), or everything. */
  async clear(paths?: readonly string[]): Promise<void> {
    await this.load();
    for (const path of paths ?? [...this.byPath.keys()]) {
      const entry = this.byPath.get(path);
      if (!entry) continue;
      this.byPath.delete(path);
      this.removedPaths.add(path);
      this.dropIfUnreferenced(entry.hash);
    }
    if (!paths) for (const hash of this.byHash.keys()) this.dropIfUnreferenced(hash);
    await this.write();
  }

  /** Wait for pending writes. */
  async flush(): Promise<void> {
    await this.writer;
  }

  private setPath(path: string, entry: PathEntry): void {
    const previous = this.byPath.get(path);
    this.byPath.set(path, entry);
    this.removedPaths.delete(path);
    if (previous && previous.hash !== entry.hash) this.dropIfUnreferenced(previous.hash);
  }

  private dropIfUnreferenced(hash: string): void {
    for (const e of this.byPath.values()) if (e.hash === hash) return;
    if (this.byHash.delete(hash)) this.removedHashes.add(hash);
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.file) return;
      const before = await stampOf(this.file);
      const data = await this.read();
      if (data) this.seen = before;
      this.merge(data);
    })();
    return this.loaded;
  }

  private async read(): Promise<StoreFile | undefined> {
    try {
      return await readJsonOrSetAside(this.file!, isStoreFile, this.log);
    } catch (err) {
      this.log('warn', `${this.file}: cannot read the score store (${(err as Error).message}); continuing without stored scores`);
      return undefined;
    }
  }

  /** Add what `data` holds and we lack, minus what we removed. */
  private merge(data: StoreFile | undefined): void {
    if (!data) return;
    for (const [hash, score] of Object.entries(data.byHash)) {
      if (isScore(score) && !this.byHash.has(hash) && !this.removedHashes.has(hash)) this.byHash.set(hash, score);
    }
    for (const [path, entry] of Object.entries(data.byPath)) {
      if (isPathEntry(entry) && !this.byPath.has(path) && !this.removedPaths.has(path)) this.byPath.set(path, entry);
    }
  }

  /** Serialised and coalesced: callers arriving during a write share the next one. */
  private write(): Promise<void> {
    if (!this.file) return Promise.resolve();
    this.dirty = true;
    this.writer ??= (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await this.writeNow();
        }
      } finally {
        this.writer = undefined;
      }
    })();
    return this.writer;
  }

  private async writeNow(): Promise<void> {
    const file = this.file!;
    try {
      const now = await stampOf(file);
      if (now && (now.size !== this.seen?.size || now.mtimeMs !== this.seen?.mtimeMs)) this.merge(await this.read());
      const data: StoreFile = {
        format: 'hear-store/1',
        model: this.model,
        byHash: Object.fromEntries(this.byHash),
        byPath: Object.fromEntries(this.byPath),
      };
      await writeJsonAtomic(file, data);
      this.seen = await stampOf(file);
      this.removedPaths.clear();
      this.removedHashes.clear();
    } catch (err) {
      // Scores stay in memory; the next write tries again.
      this.log('warn', `${file}: could not save scores (${(err as Error).message})`);
    }
  }
}

async function stampOf(file: string): Promise<FileStamp | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info && { size: info.size, mtimeMs: info.mtimeMs };
}
