// What the commands that score share: the engine flags (`hear score`, and
// `hear compare` / `hear eval` when they score audio on the way), building the
// engine from them, where bundles and stored scores live, and colour.
import { homedir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  DEFAULT_MODEL_ID,
  defaultModelInstalled,
  Engine,
  findAudioFiles,
  HearError,
  PROVIDER_CHOICES,
  scoreFiles,
  type ModelInfo,
  type ProviderChoice,
  type SongFailure,
  type SongScore,
} from '../core';
import { EXIT } from './exit';

/** Extra bundle folders from $HEAR_BUNDLE_PATH (path-list, like PATH), searched after the package's models/. */
export function bundleRootsFromEnv(): string[] {
  return (process.env.HEAR_BUNDLE_PATH ?? '').split(delimiter).filter((p) => p !== '');
}

/** $XDG_CACHE_HOME/hear, else ~/.cache/hear. */
export function defaultStoreDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hear');
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function useColour(stream: NodeJS.WriteStream): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR;
}

export function paint(on: boolean, code: number, text: string): string {
  return on ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

/** The engine flags, as commander parses them. */
export interface EngineCliOptions {
  model?: string;
  ep: ProviderChoice;
  threads: number;
  jobs: number;
  store: string | false;
  /** Also the engine's info messages on stderr (`hear score -v`). */
  verbose?: boolean;
}

/** Adds the engine flags; `what` says what the model scores, for the help. */
export function addEngineOptions(command: Command, what: string): Command {
  const installed = defaultModelInstalled() ? '' : ', not installed';
  return command
    .option('-m, --model <id|path>', `model bundle that scores ${what}: an id, a bundle folder or its manifest.json (default "${DEFAULT_MODEL_ID}"${installed})`)
    .addOption(new Option('--ep <provider>', 'execution provider; an explicit GPU provider that fails is an error').choices(PROVIDER_CHOICES).default('auto'))
    .option('--threads <n>', 'threads per ONNX Runtime session', positiveInteger, 1)
    .option('-j, --jobs <n>', 'files scored in parallel (one inference worker each on the CPU; a GPU provider runs one song at a time and decodes ahead)', positiveInteger, 1)
    .option('--store <dir>', 'folder of stored scores', defaultStoreDir())
    .option('--no-store', 'neither read nor write stored scores');
}

/**
 * Runs `work` with an engine built from the flags, and disposes of it after;
 * an unnamed default model that is not installed is a usage error.
 */
export async function withEngine<T>(options: EngineCliOptions, command: Command, work: (engine: Engine, model: ModelInfo) => Promise<T>): Promise<T> {
  const engine = new Engine({
    ...(options.model ? { model: options.model } : {}),
    provider: options.ep,
    threads: options.threads,
    storeDir: options.store || defaultStoreDir(),
    persist: options.store !== false,
    bundleRoots: bundleRootsFromEnv(),
    log: (level, message) => {
      if (level === 'warn' || level === 'error' || (options.verbose && level === 'info')) {
        process.stderr.write(`hear: ${level === 'warn' ? 'warning: ' : ''}${message}\n`);
      }
    },
  });
  try {
    let model: ModelInfo;
    try {
      model = await engine.model();
    } catch (err) {
      if (!options.model && err instanceof HearError && err.code === 'NOT_FOUND') command.error(`hear ${command.name()}: ${err.message}`, { exitCode: EXIT.usage });
      throw err;
    }
    return await work(engine, model);
  } finally {
    await engine.dispose();
  }
}

/** The files a model scores under `paths` (folders searched recursively): audio, or .npy features for a head-only bundle. */
export function filesToScore(model: ModelInfo, paths: string[]): Promise<string[]> {
  return findAudioFiles(paths, model.input === 'features' ? { extensions: ['.npy'] } : {});
}

/** A progress bar on stderr when it is a terminal and there is more than one song. */
export function progressBar(songs: number): SingleBar | undefined {
  if (!process.stderr.isTTY || songs < 2) return undefined;
  return new SingleBar({ stream: process.stderr, format: ' {bar} {value}/{total} songs | {file}', hideCursor: true, clearOnComplete: true });
}

/** Scores files and folders (recursively), with a progress bar on a terminal; failures are printed and returned. */
export async function scoreAudio(engine: Engine, model: ModelInfo, paths: string[], jobs: number): Promise<{ results: SongScore[]; failures: SongFailure[] }> {
  const files = await filesToScore(model, paths);
  if (files.length === 0) throw new HearError('NOT_FOUND', `no ${model.input === 'features' ? '.npy feature' : 'audio'} files found`, paths.join(', '));
  const bar = progressBar(files.length);
  bar?.start(files.length, 0, { file: '' });
  const scored = await scoreFiles(engine, files, { jobs, onResult: (r) => bar?.increment({ file: relative(process.cwd(), r.file) }) });
  bar?.stop();
  for (const f of scored.failures) process.stderr.write(`${f.error}\n`);
  return scored;
}
