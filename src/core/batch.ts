// Batches: which files a list of paths names, and scoring many of them with one engine.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AUDIO_EXTENSIONS } from './audio';
import type { Engine } from './engine';
import { asHearError, HearError } from './errors';
import type { SongFailure, SongScore } from './types';

// require(), not import: for an import statement esbuild picks tinyglobby's ESM build, whose fdir
// dependency calls createRequire(import.meta.url), undefined in the CommonJS bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { glob, isDynamicPattern } = require('tinyglobby') as typeof import('tinyglobby');

/** Causes in the engine (its bundle, its provider), not the song: every later song would fail alike. */
const ENGINE_WIDE: ReadonlySet<string> = new Set(['BAD_BUNDLE', 'HASH_MISMATCH', 'PROVIDER']);

/**
 * Score many files, `jobs` at a time; one bad file never stops the batch. A broken bundle or provider
 * does: the songs not yet started fail with its cause instead of each trying again. Results keep the
 * input order.
 */
export async function scoreFiles(
  engine: Engine,
  files: string[],
  options: { jobs?: number; signal?: AbortSignal; force?: boolean; onResult?: (r: { file: string; score?: SongScore; failure?: SongFailure }) => void } = {},
): Promise<{ results: SongScore[]; failures: SongFailure[] }> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  engine.setParallelism(jobs);
  const scores: (SongScore | undefined)[] = new Array(files.length);
  const failed: (SongFailure | undefined)[] = new Array(files.length);
  let next = 0;
  let engineFailure: HearError | undefined;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      try {
        if (options.signal?.aborted) throw new HearError('CANCELLED', 'scoring was cancelled', file);
        if (engineFailure) throw engineFailure;
        const score = await engine.score(file, { force: !!options.force, ...(options.signal ? { signal: options.signal } : {}) });
        scores[index] = score;
        options.onResult?.({ file, score });
      } catch (err) {
        const e = asHearError(err, file, 'INFERENCE');
        if (ENGINE_WIDE.has(e.code)) engineFailure ??= e;
        // A failure is the song's even when its cause is elsewhere (a graph of the bundle, say).
        const path = resolve(file);
        const failure: SongFailure = { file: path, error: e.file === path ? e.message : `${path}: ${e.message}`, code: e.code };
        failed[index] = failure;
        options.onResult?.({ file, failure });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
  return { results: scores.filter((s): s is SongScore => !!s), failures: failed.filter((f): f is SongFailure => !!f) };
}

/**
 * The files to score: files as named, folders searched recursively, glob patterns expanded.
 * Folders and globs keep only `extensions` (default: audio); a named file is kept whatever its
 * extension, and a missing one too, so scoring reports it instead of skipping it silently.
 */
export async function findAudioFiles(paths: string[], options: { extensions?: readonly string[] } = {}): Promise<string[]> {
  const extensions = (options.extensions ?? AUDIO_EXTENSIONS).map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
  const wanted = (f: string): boolean => extensions.some((e) => f.toLowerCase().endsWith(e));
  const found: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory()) {
      found.push(...(await glob('**/*', { cwd: p, absolute: true, onlyFiles: true })).filter(wanted).sort());
    } else if (!info && isDynamicPattern(p)) {
      found.push(...(await glob(p, { absolute: true, onlyFiles: true })).filter(wanted).sort());
    } else {
      found.push(resolve(p));
    }
  }
  return [...new Set(found.map((f) => resolve(f)))];
}
