// `hear score PATH...`: score audio files (or .npy features for head-only bundles) and print a
// table, JSON, JSON Lines or CSV. Exit 0 when all scored, 1 when some failed, 2 on usage errors, 130 on Ctrl-C.
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { DEFAULT_MODEL_ID, defaultModelInstalled, scoreFiles, type ModelInfo, type SongFailure, type SongScore } from '../../core';
import { mean } from '../../core/song-values';
import { EXIT } from '../exit';
import { addEngineOptions, filesToScore, paint, progressBar, useColour, withEngine, type EngineCliOptions } from '../engine-options';

interface ScoreOptions extends EngineCliOptions {
  json?: boolean;
  jsonl?: boolean;
  csv?: boolean;
  out?: string;
  segments?: boolean;
  force?: boolean;
}

type Format = 'table' | 'json' | 'jsonl' | 'csv';

function chooseFormat(options: ScoreOptions, command: Command): Format {
  const flags = (['json', 'jsonl', 'csv'] as const).filter((f) => options[f]);
  if (flags.length > 1) command.error(`hear score: choose one of --json, --jsonl, --csv (got ${flags.map((f) => `--${f}`).join(' ')})`, { exitCode: EXIT.usage });
  if (flags[0]) return flags[0];
  const ext = /\.(json|jsonl|csv)$/i.exec(options.out ?? '')?.[1]?.toLowerCase();
  return (ext as Format | undefined) ?? 'table';
}

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - 60 * m;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

function csv(model: ModelInfo, results: SongScore[], failures: SongFailure[], segments: boolean): string {
  const header = ['file', ...model.labels, 'overall', 'top_tier', 'error', ...(segments ? ['segment', 'start', 'end'] : [])];
  const blank = (n: number): string[] => new Array<string>(n).fill('');
  const rows = [header];
  for (const r of results) {
    rows.push([r.file, ...r.scores.map(String), String(r.overall), String(r.allTopTier), '', ...(segments ? blank(3) : [])]);
    if (!segments) continue;
    for (const s of r.segments) {
      const overall = mean(s.scores);
      const top = s.scores.every((v, i) => v >= r.thresholds[i]!);
      rows.push([r.file, ...s.scores.map(String), String(overall), String(top), '', String(s.index), String(s.start), String(s.end)]);
    }
  }
  for (const f of failures) rows.push([f.file, ...blank(model.labels.length + 2), f.error, ...(segments ? blank(3) : [])]);
  return stringify(rows);
}

function table(model: ModelInfo, results: SongScore[], segments: boolean, colour: boolean): string {
  const head = ['File', ...model.labels, 'Overall', 'Top tier'];
  const t = new Table({ head: head.map((h) => paint(colour, 1, h)), style: { head: [], border: [] } });
  const cell = (v: number, threshold: number): string => (v >= threshold ? paint(colour, 32, `${v.toFixed(2)}*`) : v.toFixed(2));
  for (const r of results) {
    const tiers = r.labels.filter((_, i) => r.topTier[i]);
    const tier = r.allTopTier ? paint(colour, 32, 'all') : tiers.length ? tiers.join(', ') : '-';
    t.push([shown(r.file), ...r.scores.map((v, i) => cell(v, r.thresholds[i]!)), r.overall.toFixed(2), tier]);
    if (!segments) continue;
    for (const s of r.segments) {
      const overall = mean(s.scores);
      t.push([`  ${clock(s.start)}-${clock(s.end)}`, ...s.scores.map((v, i) => cell(v, r.thresholds[i]!)), overall.toFixed(2), '']);
    }
  }
  const proxy = model.proxy ? `proxy scores: ${model.proxyNote ?? 'the model was not trained on human ratings'}\n` : '';
  return `Model: ${model.name} (${model.id} ${model.version})\n${proxy}${t.toString()}\n* reaches the top-tier threshold (${model.labels.map((l, i) => `${l} ${model.thresholds[i]}`).join(', ')})\n`;
}

/** Each failure as `file: cause`; a cause shared by many files (a broken bundle, say) is shown twice, then counted. */
function failureLines(failures: SongFailure[]): string {
  const byCause = new Map<string, SongFailure[]>();
  for (const f of failures) {
    const cause = f.error.startsWith(`${f.file}: `) ? f.error.slice(f.file.length + 2) : f.error;
    const group = byCause.get(cause);
    if (group) group.push(f);
    else byCause.set(cause, [f]);
  }
  let text = '';
  for (const [cause, group] of byCause) {
    for (const f of group.slice(0, 2)) text += `${f.error}\n`;
    if (group.length > 2) text += `... and ${group.length - 2} more files: ${cause}\n`;
  }
  return text;
}

function render(format: Format, model: ModelInfo, results: SongScore[], failures: SongFailure[], options: ScoreOptions, colour: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ results, failures }, null, 2)}\n`;
    case 'jsonl':
      return [...results, ...failures.map((f) => ({ file: f.file, error: f.error, code: f.code }))].map((r) => `${JSON.stringify(r)}\n`).join('');
    case 'csv':
      return csv(model, results, failures, !!options.segments);
    case 'table':
      return results.length ? table(model, results, !!options.segments, colour) : '';
  }
}

async function run(paths: string[], options: ScoreOptions, command: Command): Promise<void> {
  const format = chooseFormat(options, command);
  const warn = (message: string): void => void process.stderr.write(`hear: ${message}\n`);
  await withEngine(options, command, async (engine, model) => {
    const files = await filesToScore(model, paths);
    if (files.length === 0) {
      warn(`no ${model.input === 'features' ? '.npy feature' : 'audio'} files found in ${paths.join(', ')}`);
      process.exitCode = EXIT.failed;
      return;
    }
    const bar = progressBar(files.length);
    bar?.start(files.length, 0, { file: '' });
    const started = performance.now();
    // Ctrl-C once: start no new song, cancel the ones running, still write what was scored (exit 130).
    const interrupt = new AbortController();
    const onSigint = (): void => {
      if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
      interrupt.abort();
      bar?.stop();
      warn('interrupted: writing the songs scored so far (Ctrl-C again to quit at once)');
    };
    process.on('SIGINT', onSigint);
    const batch = await scoreFiles(engine, files, {
      jobs: options.jobs,
      force: !!options.force,
      signal: interrupt.signal,
      onResult: (r) => {
        bar?.increment({ file: shown(r.file) });
        if (options.verbose && r.score) {
          const t = r.score.timings;
          warn(`${shown(r.file)}: decode ${t.decodeMs.toFixed(0)} ms, sources ${t.sourcesMs.toFixed(0)} ms, head ${t.headMs.toFixed(0)} ms, segments ${t.segmentsMs.toFixed(0)} ms, total ${t.totalMs.toFixed(0)} ms`);
        }
      },
    }).finally(() => process.off('SIGINT', onSigint));
    bar?.stop();
    const { results } = batch;
    // Songs left unscored by an interrupt are not failures of those files.
    const failures = interrupt.signal.aborted ? batch.failures.filter((f) => f.code !== 'CANCELLED') : batch.failures;
    process.stderr.write(failureLines(failures));

    const text = render(format, model, results, failures, options, !options.out && useColour(process.stdout));
    if (options.out) await writeFile(options.out, text);
    else process.stdout.write(text);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const provider = engine.providerReport();
    if (options.verbose && provider) {
      const tried = provider.attempts.map((a) => (a.ok ? `${a.provider}: ok` : `${a.provider}: ${a.error}`)).join('; ');
      warn(`execution provider ${provider.active} (asked for ${provider.requested}; ${tried})`);
    }
    const skipped = files.length - results.length - failures.length;
    if (format === 'table' || options.out || skipped) {
      const notes = [failures.length ? `${failures.length} failed` : '', skipped ? `${skipped} not scored (interrupted)` : ''].filter(Boolean);
      process.stderr.write(`scored ${results.length} of ${files.length} files in ${seconds} s${provider ? ` on ${provider.active}` : ''}${notes.length ? `; ${notes.join(', ')}` : ''}\n`);
    }
    process.exitCode = interrupt.signal.aborted ? EXIT.interrupted : failures.length ? EXIT.failed : EXIT.ok;
  });
}

export function registerScore(program: Command): void {
  const installed = defaultModelInstalled();
  const command = program
    .command('score')
    .description('Score songs on the SongEval dimensions; flag top-tier songs.')
    .argument('<paths...>', 'audio files, folders (searched recursively) or glob patterns (quote them)')
    .option('--json', 'write { "results": [...], "failures": [...] }')
    .option('--jsonl', 'write one result (or failure) per line')
    .option('--csv', 'write CSV: file,<labels...>,overall,top_tier,error')
    .option('-o, --out <file>', 'write to FILE instead of stdout (format from --json/--jsonl/--csv or the extension)');
  addEngineOptions(command, 'the songs');
  command
    .option('--segments', 'include the per-segment timeline in the table or CSV')
    .option('--force', 'score again even when a stored score exists')
    .option('-v, --verbose', 'report the model, the execution provider (and why others failed) and stage timings on stderr')
    .addHelpText(
      'after',
      `\nBundles are found by id in the package's models/ folder, then in $HEAR_BUNDLE_PATH.\n${
        installed
          ? `Without --model, the default model "${DEFAULT_MODEL_ID}" (HEAR-Lite) scores: proxy scores, trained on rules rather than human ratings (models/hear-lite/MODEL_CARD.md).`
          : `The default model "${DEFAULT_MODEL_ID}" is not installed: name a bundle with --model.`
      }\nExit status: 0 all scored, 1 some files failed (each reported on stderr), 2 usage error, ${EXIT.interrupted} stopped by Ctrl-C (what was scored is still written).`,
    )
    .action((paths: string[], options: ScoreOptions, command: Command) => run(paths, options, command));
}
