// `hear compare A B`: checkpoint B against baseline A, from the results files
// `hear score` wrote; a table, JSON, CSV or pull-request Markdown, and a CI
// gate (--fail-if-worse).
import type { Command } from 'commander';
import Table from 'cli-table3';
import { compareScores, DEFAULT_ALPHA, DEFAULT_RESAMPLES, DEFAULT_SEED, isWorse, type Comparison } from '../../core/compare/compare';
import { comparisonCells, comparisonCsv, comparisonJson, comparisonMarkdown, pairingLine } from '../../core/exports/comparison';
import { readPredictions } from '../../core/labels';
import { DIMENSIONS } from '../../core/types';
import { EXIT } from '../exit';

interface CompareCliOptions {
  json?: boolean;
  markdown?: boolean;
  csv?: boolean;
  alpha: string;
  seed: string;
  resamples: string;
  failIfWorse?: string;
}

function tableText(c: Comparison): string {
  const { header, rows } = comparisonCells(c);
  const table = new Table({ head: header, style: { head: [], border: [] } });
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

function number(command: Command, name: string, text: string, valid: (n: number) => boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || !valid(n)) command.error(`hear compare: ${name} "${text}" is out of range`, { exitCode: EXIT.usage });
  return n;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('Compare two runs (B against baseline A): means, bootstrap CI of B - A, rank tests with Holm correction, verdicts.')
    .argument('<A>', 'baseline: results file written by hear score --json, --jsonl or --csv')
    .argument('<B>', 'candidate: results file, as for A')
    .option('--json', 'machine-readable output, every number unrounded')
    .option('--markdown', 'Markdown for a pull-request comment')
    .option('--csv', 'one CSV row per dimension')
    .option('--alpha <p>', 'significance level after Holm correction', String(DEFAULT_ALPHA))
    .option('--seed <n>', 'bootstrap random seed', String(DEFAULT_SEED))
    .option('--resamples <n>', 'bootstrap resamples', String(DEFAULT_RESAMPLES))
    .option('--fail-if-worse <dim>', `exit ${EXIT.worse} when B is significantly worse on a dimension, "overall" or "any"`)
    .addHelpText('after', '\nSongs pair by path relative to each run\'s folder, then by file name; paired runs use the Wilcoxon signed-rank test, others Mann-Whitney U.')
    .action(async (a: string, b: string, options: CompareCliOptions, command: Command) => {
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

      const [sideA, sideB] = await Promise.all([readPredictions(a), readPredictions(b)]);
      const comparison = compareScores(sideA.songs, sideB.songs, { nameA: a, nameB: b, alpha, seed, resamples });
      const failures = sideA.failures.length + sideB.failures.length;
      if (failures) comparison.warnings.push(`${failures} songs failed to score (A ${sideA.failures.length}, B ${sideB.failures.length}) and are left out.`);

      if (options.json) process.stdout.write(comparisonJson(comparison));
      else if (options.markdown) process.stdout.write(comparisonMarkdown(comparison));
      else if (options.csv) process.stdout.write(comparisonCsv(comparison));
      else process.stdout.write(tableText(comparison));

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
