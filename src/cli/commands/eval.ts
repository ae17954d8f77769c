// `hear eval`: the official SongEval metrics of a scorer's predictions against
// labels, at utterance level and (with --system-key) system level.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { readLabels, readPredictions, type LabelSet, type PredictionSet } from '../../core/labels';
import { evaluate, METRIC_NAMES, round3, type Evaluation, type MetricsTable, type MetricValues } from '../../core/metrics';
import { addEngineOptions, scoreAudio, withEngine, type EngineCliOptions } from '../engine-options';
import { EXIT } from '../exit';

interface EvalOptions extends Partial<EngineCliOptions> {
  labels: string;
  pred?: string;
  audio?: string;
  track?: string;
  systemKey?: string;
  json?: boolean;
}

const TRACKS: Record<string, string[] | undefined> = {
  '1': ['Musicality'],
  '2': ['Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness'],
};

const rounded = (v: MetricValues): MetricValues => ({ lcc: round3(v.lcc), srcc: round3(v.srcc), ktau: round3(v.ktau), tta: round3(v.tta) });

/** JSON keeps every value unrounded and adds the official 3-decimal figures beside them. */
function tableJson(t: MetricsTable) {
  return {
    ...t,
    dimensions: t.dimensions.map((d) => ({ ...d, rounded: rounded(d.values) })),
    meanRounded: rounded(t.mean),
  };
}

function metricsText(title: string, t: MetricsTable): string {
  const table = new Table({ head: ['', ...METRIC_NAMES.map((m) => m.toUpperCase())], style: { head: [], border: [], compact: true } });
  for (const d of t.dimensions) table.push([d.dimension, ...METRIC_NAMES.map((m) => round3(d.values[m]).toFixed(3))]);
  if (t.dimensions.length > 1) table.push(['Mean', ...METRIC_NAMES.map((m) => round3(t.mean[m]).toFixed(3))]);
  return `${title}\n${table.toString()}\n`;
}

const FIRST_FEW = 5;
function fewOf(items: string[]): string {
  return items.slice(0, FIRST_FEW).join(', ') + (items.length > FIRST_FEW ? `, ... (${items.length - FIRST_FEW} more)` : '');
}

function report(result: Evaluation): string {
  let text = metricsText(`Utterance level (${result.utterance.n} songs)`, result.utterance);
  if (result.system) {
    const s = result.system;
    text += `\n${metricsText(`System level (${s.n} systems by "${s.key}": ${s.systems.map((x) => `${x.name} ${x.songs}`).join(', ')})`, s)}`;
  }
  return text;
}

function notes(result: Evaluation, failures: number): string[] {
  const lines: string[] = [];
  if (result.unmatchedLabels.length) {
    lines.push(`${result.unmatchedLabels.length} labelled songs have no prediction (matched by file stem): ${fewOf(result.unmatchedLabels)}`);
  }
  if (result.unmatchedPredictions.length) {
    lines.push(`${result.unmatchedPredictions.length} predictions name no labelled song: ${fewOf(result.unmatchedPredictions)}`);
  }
  if (failures) lines.push(`${failures} files failed to score and are left out`);
  if (result.system && result.system.withoutSystem) lines.push(`${result.system.withoutSystem} songs have no "${result.system.key}" and are left out of the system level`);
  if (result.system && result.system.n < 3) lines.push(`only ${result.system.n} systems: system-level correlations say little`);
  return lines;
}

/** Scores the labelled songs (their file names resolved against the audio folder) with the model. */
async function scoreLabelled(labels: LabelSet, options: EvalOptions, command: Command): Promise<PredictionSet> {
  const folder = options.audio ?? dirname(labels.file);
  const files = labels.songs.map((s) => resolve(folder, s.file));
  const engineOptions = options as EvalOptions & EngineCliOptions;
  const { results, failures } = await withEngine(engineOptions, command, (engine, model) => scoreAudio(engine, model, files, engineOptions.jobs));
  return { file: folder, songs: results, failures };
}

export function registerEval(program: Command): void {
  const command = program
    .command('eval')
    .description('Official SongEval metrics (LCC, SRCC, KTAU, TTA) of predictions against labels.')
    .requiredOption('--labels <file>', 'labels: SongEval metadata.jsonl (mean of the raters) or CSV with a file column')
    .option('--pred <file>', 'predictions written by hear score --json, --jsonl or --csv')
    .option('--audio <dir>', 'with --model: the folder the labelled file names are relative to (default: the labels file folder)')
    .option('--track <n>', '1: Musicality only; 2: all five dimensions (default: every labelled dimension)')
    .option('--system-key <key>', 'also system-level metrics, grouping songs by a labels field, "dir" (folder of the scored file) or "re:PATTERN" (first group in the labelled file name)')
    .option('--json', 'machine-readable output (values unrounded, with 3-decimal "rounded" copies)');
  addEngineOptions(command, 'the labelled songs instead of --pred');
  command
    .addHelpText('after', '\nSongs are matched to predictions by file stem, as in SongEval.')
    .action(async (options: EvalOptions) => {
      if (!options.pred === !options.model) command.error('hear eval: give either --pred <file> (results of hear score) or --model <id|path>', { exitCode: EXIT.usage });
      if (options.audio && !options.model) command.error('hear eval: --audio needs --model', { exitCode: EXIT.usage });
      const dimensions = options.track === undefined ? undefined : TRACKS[options.track];
      if (options.track !== undefined && !dimensions) command.error(`hear eval: --track must be 1 or 2, not "${options.track}"`, { exitCode: EXIT.usage });

      const labels = await readLabels(options.labels);
      const predictions = options.pred ? await readPredictions(options.pred) : await scoreLabelled(labels, options, command);
      const result = evaluate(labels, predictions.songs, {
        ...(dimensions ? { dimensions } : {}),
        ...(options.systemKey ? { systemKey: options.systemKey } : {}),
      });
      const messages = notes(result, predictions.failures.length);
      if (options.json) {
        const { utterance, system, ...rest } = result;
        const json = { ...rest, utterance: tableJson(utterance), ...(system ? { system: tableJson(system) } : {}), notes: messages };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        process.stdout.write(report(result));
        for (const line of messages) process.stderr.write(`note: ${line}\n`);
      }
      // Files that failed to score just now (--model) fail the command, as in hear score.
      if (options.model && predictions.failures.length) process.exitCode = EXIT.failed;
    });
}
