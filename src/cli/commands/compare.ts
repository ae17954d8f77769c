// `hear compare A B`: checkpoint B against baseline A, from folders of audio
// (scored through the engine, stored scores reused) or the results files
// `hear score` wrote; a table, JSON, CSV or pull-request Markdown, a standalone
// HTML report (--html), and a CI gate (--fail-if-worse).
import { stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import Table from 'cli-table3';
import type { SongFailure } from '../../core';
import { compareScores, DEFAULT_ALPHA, DEFAULT_RESAMPLES, DEFAULT_SEED, isWorse, type Comparison } from '../../core/compare/compare';
import { comparisonCells, comparisonCsv, comparisonJson, comparisonMarkdown, pairingLine } from '../../core/exports/comparison';
import { comparisonReportHtml } from '../../core/exports/html-report';
import { readPredictions, type ScoredSong } from '../../core/labels';
import { DIMENSIONS } from '../../core/types';
import { addEngineOptions, scoreAudio, withEngine, type EngineCliOptions } from '../engine-options';
import { EXIT } from '../exit';

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
