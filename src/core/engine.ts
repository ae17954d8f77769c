// The engine facade every face uses: one bundle, its sessions (in inference workers), the score
// store, and the batch helpers. Plain Node: never imports vscode.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_MAX_DURATION_SECONDS, disposeAudioWorkers, loadAudio } from './audio';
import {
  DEFAULT_MODEL_ID,
  HashCache,
  modelRef,
  readManifest,
  resolveBundleDir,
  searchRoots,
  verifyBundle,
  type Bundle,
  type Manifest,
  type ManifestScale,
  type ManifestSource,
  type ManifestStream,
} from './bundle';
import { asHearError, HearError } from './errors';
import { sha256File } from './hash';
import { silentLog, type Log } from './log';
import { parseNpy, planFor, type PipelineInput, type PipelinePlan } from './pipeline';
import { InferencePool, parseProviderChoice } from './runtime';
import { mean, topTierOf } from './song-values';
import { ScoreStore, type FileStamp } from './store';
import type { AudioInfo, ModelRef, ProviderChoice, ProviderReport, ScoreProgress, ScoreRequest, SongScore } from './types';

export { findAudioFiles, scoreFiles } from './batch';

export interface EngineOptions {
  /** Bundle id or path (folder or manifest.json); default 'hear-lite'. */
  model?: string;
  /** Default 'auto'. */
  provider?: ProviderChoice;
  /** Intra-op threads per session; default 1. */
  threads?: number;
  /** Folder of the score store (created if missing). */
  storeDir: string;
  /** False: keep scores and verified hashes in memory only (`--no-store`). Default true. */
  persist?: boolean;
  /** Extra folders searched for bundles by id. */
  bundleRoots?: string[];
  /** False or a reason string refuses loading (workspace trust). */
  isBundleAllowed?: (dir: string) => boolean | string;
  /** Longest song decoded, in seconds (default: the audio module's, 3600): longer files fail with TOO_LARGE. */
  maxDurationSeconds?: number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface ModelFileInfo {
  path: string;
  bytes: number;
  license: string;
  provenance: string;
  sha256: string;
  /** Always true: a file that fails verification fails model(). */
  verified: boolean;
}

export type ModelInfo = ModelRef & {
  dir: string;
  description?: string;
  labels: string[];
  thresholds: number[];
  input: 'audio' | 'features';
  sampleRate: number;
  frameRate: number;
  sources: ManifestSource[];
  scales: ManifestScale[];
  streams: ManifestStream[];
  track: 1 | 2;
  files: ModelFileInfo[];
};

export function modelInfo(bundle: Bundle): ModelInfo {
  const m = bundle.manifest;
  return {
    ...modelRef(m),
    dir: bundle.dir,
    ...(m.description ? { description: m.description } : {}),
    labels: m.labels.map((l) => l.name),
    thresholds: m.labels.map((l) => l.threshold),
    input: m.input,
    sampleRate: m.sampleRate,
    frameRate: m.frameRate,
    sources: m.sources,
    scales: m.scales,
    streams: m.streams,
    track: m.task.track,
    files: bundle.files.map((f) => ({ path: f.path, bytes: f.bytes, license: f.license, provenance: f.provenance, sha256: f.sha256, verified: true })),
  };
}

/** One computation shared by every caller asking for the same file; cancelled only when all callers are. */
interface Shared {
  promise: Promise<SongScore>;
  controller: AbortController;
  callers: number;
  listeners: Set<(p: ScoreProgress) => void>;
}

export class Engine {
  private readonly log: Log;
  private readonly provider: ProviderChoice;
  private readonly pool: InferencePool;
  private readonly hashCache: HashCache;
  private manifestLoad: Promise<{ dir: string; manifest: Manifest; store: ScoreStore }> | undefined;
  private bundleLoad: Promise<{ bundle: Bundle; plan: PipelinePlan }> | undefined;
  private readonly inflight = new Map<string, Shared>();

  constructor(private readonly options: EngineOptions) {
    this.log = options.log ?? silentLog;
    this.provider = parseProviderChoice(options.provider ?? 'auto');
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) throw new HearError('PROVIDER', `threads must be a whole number >= 1, not ${threads}`);
    this.pool = new InferencePool({ provider: this.provider, threads }, this.log);
    const persist = options.persist ?? true;
    this.hashCache = new HashCache(persist ? join(options.storeDir, 'verified-files.json') : undefined, this.log);
  }

  /** Loads, validates and verifies the bundle (once). */
  async model(): Promise<ModelInfo> {
    return modelInfo((await this.loadBundle()).bundle);
  }

  /** Files scored at once by scoreFiles (one inference worker each on the CPU; see concurrentSongs). */
  setParallelism(jobs: number): void {
    this.pool.resize(jobs);
  }

  score(file: string, request: ScoreRequest = {}): Promise<SongScore> {
    const path = resolve(file);
    const key = `${path}\0${request.force ? 'force' : ''}`;
    let shared = this.inflight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const listeners = new Set<(p: ScoreProgress) => void>();
      const promise = this.compute(path, !!request.force, controller.signal, (p) => listeners.forEach((l) => l(p)));
      shared = { promise, controller, callers: 0, listeners };
      this.inflight.set(key, shared);
      const remove = (): void => void (this.inflight.get(key) === shared && this.inflight.delete(key));
      promise.then(remove, remove);
    }
    return this.attach(shared, path, request);
  }

  /** The stored result for `file` if it is unchanged: size + mtime first, else its content hash. */
  async lookup(file: string): Promise<SongScore | undefined> {
    const path = resolve(file);
    const { store } = await this.loadManifest();
    const stamp = await stat(path).then((s) => (s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined), () => undefined);
    if (!stamp) return undefined;
    const hit = await store.lookupByStamp(path, stamp);
    if (hit) return hit;
    const hash = await sha256File(path).catch(() => undefined);
    const byHash = hash ? await store.lookupByHash(hash) : undefined;
    if (!byHash) return undefined;
    await store.rememberPath(path, stamp, byHash.contentHash);
    return { ...byHash, file: path };
  }

  /** path -> stored result for the active model (no file is read). */
  async storedForModel(): Promise<Map<string, SongScore>> {
    return (await this.loadManifest()).store.all();
  }

  async clear(files?: string[]): Promise<void> {
    await (await this.loadManifest()).store.clear(files?.map((f) => resolve(f)));
  }

  providerReport(): ProviderReport | undefined {
    return this.pool.providerReport();
  }

  /** Releases sessions (inference workers) and audio workers, after pending store writes. */
  async dispose(): Promise<void> {
    for (const shared of this.inflight.values()) shared.controller.abort();
    const store = await this.manifestLoad?.then((m) => m.store, () => undefined);
    await Promise.all([store?.flush(), this.pool.dispose(), disposeAudioWorkers()]);
  }

  private attach(shared: Shared, file: string, request: ScoreRequest): Promise<SongScore> {
    const { signal, onProgress } = request;
    if (signal?.aborted) return Promise.reject(new HearError('CANCELLED', 'scoring was cancelled', file));
    shared.callers++;
    if (onProgress) shared.listeners.add(onProgress);
    return new Promise<SongScore>((resolvePromise, reject) => {
      let done = false;
      const leave = (): void => {
        if (done) return;
        done = true;
        if (onProgress) shared.listeners.delete(onProgress);
        signal?.removeEventListener('abort', abort);
        if (--shared.callers === 0) shared.controller.abort();
      };
      const abort = (): void => {
        leave();
        reject(new HearError('CANCELLED', 'scoring was cancelled', file));
      };
      signal?.addEventListener('abort', abort, { once: true });
      shared.promise.then(
        (score) => {
          if (done) return;
          leave();
          resolvePromise(score.file === file ? score : { ...score, file });
        },
        (err: unknown) => {
          if (done) return;
          leave();
          reject(err);
        },
      );
    });
  }

  private async compute(path: string, force: boolean, signal: AbortSignal, progress: (p: ScoreProgress) => void): Promise<SongScore> {
    const started = performance.now();
    const { bundle, plan } = await this.loadBundle();
    const { store } = await this.loadManifest();
    try {
      const info = await stat(path);
      if (info.isDirectory()) throw new HearError('NOT_A_FILE', 'is a directory, not an audio file', path);
      const stamp: FileStamp = { size: info.size, mtimeMs: info.mtimeMs };
      if (!force) {
        const hit = await store.lookupByStamp(path, stamp);
        if (hit) return hit;
      }
      const contentHash = await sha256File(path, signal);
      if (!force) {
        const hit = await store.lookupByHash(contentHash);
        if (hit) {
          await store.rememberPath(path, stamp, contentHash);
          return { ...hit, file: path };
        }
      }
      this.log('debug', `scoring ${path}`);
      const decodeStart = performance.now();
      progress({ fraction: 0, stage: 'decode' });
      const { input, audio } = await this.decode(path, bundle.manifest, signal);
      const decodeMs = performance.now() - decodeStart;
      const result = await this.pool.run(path, plan, input, {
        signal,
        onProgress: (fraction, stage) => progress({ fraction: 0.1 + 0.85 * fraction, stage }),
      });
      const m = bundle.manifest;
      const thresholds = m.labels.map((l) => l.threshold);
      const topTier = topTierOf({ scores: result.scores, thresholds });
      const score: SongScore = {
        file: path,
        contentHash,
        model: modelRef(m),
        labels: m.labels.map((l) => l.name),
        thresholds,
        scores: result.scores,
        overall: mean(result.scores),
        topTier,
        allTopTier: topTier.every(Boolean),
        segments: result.segments,
        ...(audio ? { audio } : {}),
        provider: this.pool.providerReport()?.active ?? 'cpu',
        timings: { decodeMs, ...result.timings, totalMs: performance.now() - started },
        scoredAt: new Date().toISOString(),
      };
      progress({ fraction: 0.97, stage: 'store' });
      await store.put(path, stamp, score);
      progress({ fraction: 1, stage: 'store' });
      return score;
    } catch (err) {
      if (signal.aborted) throw new HearError('CANCELLED', 'scoring was cancelled', path);
      throw asHearError(err, path, 'INFERENCE');
    }
  }

  private async decode(path: string, m: Manifest, signal: AbortSignal): Promise<{ input: PipelineInput; audio?: AudioInfo }> {
    if (m.input === 'features') {
      if (!path.toLowerCase().endsWith('.npy')) {
        throw new HearError('UNSUPPORTED_FORMAT', `bundle '${m.id}' scores feature files (.npy of [frames, ${m.head.inputDim}]), not audio`, path);
      }
      return { input: { kind: 'features', features: parseNpy(await readFile(path, { signal }), path) } };
    }
    const { samples, info } = await loadAudio(path, {
      sampleRate: m.sampleRate,
      signal,
      maxDurationSeconds: this.options.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS,
    });
    return { input: { kind: 'waveform', samples }, audio: info };
  }

  /** Find, read and validate the manifest; open the score store for its id@version. */
  private loadManifest(): Promise<{ dir: string; manifest: Manifest; store: ScoreStore }> {
    this.manifestLoad ??= (async () => {
      const roots = searchRoots(this.options.bundleRoots);
      const dir = await resolveBundleDir(this.options.model ?? DEFAULT_MODEL_ID, roots);
      const allowed = this.options.isBundleAllowed?.(dir) ?? true;
      if (allowed !== true) {
        throw new HearError('PERMISSION', `loading this model bundle is not allowed${typeof allowed === 'string' ? `: ${allowed}` : ''}`, dir);
      }
      const { dir: real, manifest } = await readManifest(dir);
      const persist = this.options.persist ?? true;
      const store = new ScoreStore(persist ? this.options.storeDir : undefined, { id: manifest.id, version: manifest.version }, this.log);
      this.log('info', `model ${manifest.id}@${manifest.version} from ${real}`);
      return { dir: real, manifest, store };
    })();
    this.manifestLoad.catch(() => (this.manifestLoad = undefined));
    return this.manifestLoad;
  }

  /** The manifest plus every file verified; a failure is retried on the next call (the user may fix the bundle). */
  private loadBundle(): Promise<{ bundle: Bundle; plan: PipelinePlan }> {
    this.bundleLoad ??= (async () => {
      const { dir, manifest } = await this.loadManifest();
      const bundle = await verifyBundle(dir, manifest, this.hashCache);
      return { bundle, plan: planFor(bundle) };
    })();
    this.bundleLoad.catch(() => (this.bundleLoad = undefined));
    return this.bundleLoad;
  }
}
