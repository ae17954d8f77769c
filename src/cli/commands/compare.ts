// `hear compare A B`: checkpoint B against baseline A, from folders of audio
// (scored through the engine, stored scores reused) or the results files
// `hear score` wrote; a table, JSON, CSV or pull-request Markdown, a standalone
// HTML report (--html), and a CI gate (--fail-if-worse).
import { stat, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { SingleBar } from 'cli-progress';
import { DEFAULT_MODEL_ID, Engine, findAudioFiles, HearError, PROVIDER_CHOICES, scoreFiles, type ModelInfo, type ProviderChoice, type SongFailure, type SongScore } from '../../core';
import { compareScores, DEFAULT_ALPHA, DEFAULT_RESAMPLES, DEFAULT_SEED, isWorse, type Comparison } from '../../core/compare/compare';
import { comparisonCells, comparisonCsv, comparisonJson, comparisonMarkdown, pairingLine } from '../../core/exports/comparison';
import { comparisonReportHtml } from '../../core/exports/html-report';
import { readPredictions, type ScoredSong } from '../../core/labels';
import { DIMENSIONS } from '../../core/types';
import { bundleRootsFromEnv, defaultStoreDir } from '../engine-options';
import { EXIT } from '../exit';
import { positiveInteger } from './score';

/** The engine flags of `hear score`, for commands that score audio on the way. */
export interface EngineCliOptions {
  model?: string;
  ep: ProviderChoice;
  threads: number;
  jobs: number;
  store: string | false;
}

export function addEngineOptions(command: Command, what: string): Command {
  return command
    .option('-m, --model <id|path>', `model bundle that scores ${what} (default "${DEFAULT_MODEL_ID}", when installed)`)
    .addOption(new Option('--ep <provider>', 'execution provider').choices(PROVIDER_CHOICES).default('auto'))
    .option('--threads <n>', 'threads per ONNX Runtime session', positiveInteger, 1)
    .option('-j, --jobs <n>', 'files scored in parallel', positiveInteger, 1)
    .option('--store <dir>', 'folder of stored scores', defaultStoreDir())
    .option('--no-store', 'neither read nor write stored scores');
}

/**
 * Runs `work` with an engine built from the flags; an unnamed default model
 * that is not installed is a usage error, as in `hear score`.
 */
export async function withEngine<T>(options: EngineCliOptions, command: Command, work: (engine: Engine, model: ModelInfo) => Promise<T>): Promise<T> {
  const engine = new Engine({
    ...(options.model ? { model: options.model } : {}),
    provider: options.ep,
    threads: options.threads,
    storeDir: options.store || defaultStoreDir(),
    persist: options.store !== false,
    bundleRoots: bundleRootsFromEnv(),
    log: (level, message) => void (level === 'warn' && process.stderr.write(`hear: warning: ${message}\n`)),
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

/** Scores files and folders (recursively), with a progress bar on a terminal; failures are printed and returned. */
export async function scoreAudio(engine: Engine, model: ModelInfo, paths: string[], jobs: number): Promise<{ results: SongScore[]; failures: SongFailure[] }> {
  const files = await findAudioFiles(paths, model.input === 'features' ? { extensions: ['.npy'] } : {});
  if (files.length === 0) throw new HearError('NOT_FOUND', `no ${model.input === 'features' ? '.npy feature' : 'audio'} files found`, paths.join(', '));
  const bar = process.stderr.isTTY && files.length > 1 ? new SingleBar({ stream: process.stderr, format: ' {bar} {value}/{total} songs | {file}', clearOnComplete: true }) : undefined;
  bar?.start(files.length, 0, { file: '' });
  const scored = await scoreFiles(engine, files, { jobs, onResult: (r) => bar?.increment({ file: relative(process.cwd(), r.file) }) });
  bar?.stop();
  for (const f of scored.failures) process.stderr.write(`${f.error}\n`);
  return scored;
}

interface CompareCliOptions extends EngineCliOptions {
  json?: boolean;
  markdown?: boolean;
  csv?: boolean;
  html?: string;
  alpha: string;
  seed: string;
  resamples: string;
  failIfWorse?: string;
}

function tableText(c: Comparison): string {
  const { header, rows } = comparisonCells(c);
  const table = new Table({ head: header, style: { head: [], border: [], compact: true } });
  table.push(...rows);
  return [
    `B: ${c.b.name} (${c.b.songs} songs)  vs  A: ${c.a.name} (${c.a.songs} songs)`,
    table.toString(),
    c.summary,
    pairingLine(c),
    ...c.warnings.map((w) => `warning: ${w}`),
    '',
  ].join('\n');
}

interface Side {
  songs: ScoredSong[];
  failures: SongFailure[];
  /** The folder a side was scored from: relative paths pair songs. */
  root?: string;
}

/** Each input is a folder (scored by one engine for both sides) or a results file. */
async function loadSides(inputs: string[], options: EngineCliOptions, command: Command): Promise<Side[]> {
  const isFolder = await Promise.all(inputs.map(async (p) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false));
  const fromFiles = (i: number) => readPredictions(inputs[i]!);
  if (!isFolder.some(Boolean)) return Promise.all(inputs.map((_, i) => fromFiles(i)));
  return withEngine(options, command, async (engine, model) => {
    const sides: Side[] = [];
    for (const [i, path] of inputs.entries()) {
      if (!isFolder[i]) {
        sides.push(await fromFiles(i));
        continue;
      }
      const { results, failures } = await scoreAudio(engine, model, [path], options.jobs);
      sides.push({ songs: results, failures, root: resolve(path) });
    }
    return sides;
  });
}

function number(command: Command, name: string, text: string, valid: (n: number) => boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || !valid(n)) command.error(`hear compare: ${name} "${text}" is out of range`, { exitCode: EXIT.usage });
  return n;
}

export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .description('Compare two runs (B against baseline A): means, bootstrap CI of B - A, rank tests with Holm correction, verdicts.')
    .argument('<A>', 'baseline: a folder of songs, or a results file written by hear score --json, --jsonl or --csv')
    .argument('<B>', 'candidate: a folder or a results file, as for A')
    .option('--json', 'machine-readable output, every number unrounded')
    .option('--markdown', 'Markdown for a pull-request comment')
    .option('--csv', 'one CSV row per dimension')
    .option('--html <file>', 'also write a standalone HTML report (charts, no network) to FILE')
    .option('--alpha <p>', 'significance level after Holm correction', String(DEFAULT_ALPHA))
    .option('--seed <n>', 'bootstrap random seed', String(DEFAULT_SEED))
    .option('--resamples <n>', 'bootstrap resamples', String(DEFAULT_RESAMPLES))
    .option('--fail-if-worse <dim>', `exit ${EXIT.worse} when B is significantly worse on a dimension, "overall" or "any"`)
  addEngineOptions(command, 'folders');
  command
    .addHelpText('after', '\nSongs pair by path relative to each run\'s folder, then by file name; paired runs use the Wilcoxon signed-rank test, others Mann-Whitney U.')
    .action(async (a: string, b: string, options: CompareCliOptions) => {
      const formats = [options.json, options.markdown, options.csv].filter(Boolean).length;
      if (formats > 1) command.error('hear compare: choose one of --json, --markdown, --csv', { exitCode: EXIT.usage });
      const alpha = number(command, '--alpha', options.alpha, (n) => n > 0 && n < 1);
      const seed = number(command, '--seed', options.seed, (n) => Number.isInteger(n));
      const resamples = number(command, '--resamples', options.resamples, (n) => Number.isInteger(n) && n >= 100);
      const gate = options.failIfWorse;
      const known = [...DIMENSIONS, 'overall', 'any'].map((d) => d.toLowerCase());
      if (gate !== undefined && !known.includes(gate.toLowerCase())) {
        command.error(`hear compare: --fail-if-worse must be one of ${[...DIMENSIONS, 'overall', 'any'].join(', ')}`, { exitCode: EXIT.usage });
      }

      const [sideA, sideB] = await loadSides([a, b], options, command);
      const roots = { ...(sideA.root ? { rootA: sideA.root } : {}), ...(sideB.root ? { rootB: sideB.root } : {}) };
      const comparison = compareScores(sideA.songs, sideB.songs, { nameA: a, nameB: b, ...roots, alpha, seed, resamples });
      const failures = sideA.failures.length + sideB.failures.length;
      if (failures) {
        comparison.warnings.push(`${failures} songs failed to score (A ${sideA.failures.length}, B ${sideB.failures.length}) and are left out.`);
        process.exitCode = EXIT.failed;
      }

      if (options.json) process.stdout.write(comparisonJson(comparison));
      else if (options.markdown) process.stdout.write(comparisonMarkdown(comparison));
      else if (options.csv) process.stdout.write(comparisonCsv(comparison));
      else process.stdout.write(tableText(comparison));
      if (options.html) await writeFile(options.html, comparisonReportHtml(comparison, sideA.songs, sideB.songs, roots));

      if (gate === undefined) return;
      if (gate.toLowerCase() !== 'any' && !comparison.rows.some((r) => r.label.toLowerCase() === gate.toLowerCase())) {
        command.error(`hear compare: --fail-if-worse ${gate}: not compared (compared: ${comparison.labels.join(', ')}, overall)`, { exitCode: EXIT.usage });
      }
      if (isWorse(comparison, gate)) {
        process.stderr.write(`hear compare: B is significantly worse (${gate}); exit ${EXIT.worse} as --fail-if-worse asks\n`);
        process.exitCode = EXIT.worse;
      }
    });
}
