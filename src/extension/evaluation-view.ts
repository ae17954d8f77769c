// What the evaluation panel shows: the official metrics table (3 decimals, as
// `hear eval` prints it), notes on songs left out, and each dimension's true
// labels against the predictions. Pure (no vscode import); the engine's
// functions come in as `core`.
import type { LabelSet, ScoredSong } from '../core/labels';
import type { Evaluation } from '../core/metrics';
import type { SongFailure } from '../core/types';
import type { EvaluationView } from '../webview/protocol';

type Core = typeof import('../core/index');
export type EvaluationCore = Pick<Core, 'matchPredictions' | 'round3' | 'METRIC_NAMES'>;

const FIRST_FEW = 5;
function fewOf(items: readonly string[]): string {
  return items.slice(0, FIRST_FEW).join(', ') + (items.length > FIRST_FEW ? `, … (${items.length - FIRST_FEW} more)` : '');
}

export interface EvaluationInput {
  labels: LabelSet;
  predictions: readonly ScoredSong[];
  evaluation: Evaluation;
  /** Where the predictions came from, for the heading. */
  source: string;
  /** Files that could not be scored (when the panel scored the audio). */
  failures?: readonly SongFailure[];
}

export function evaluationView(core: EvaluationCore, input: EvaluationInput): EvaluationView {
  const { evaluation: e, labels } = input;
  const t = e.utterance;
  const cells = (values: Record<string, number>) => core.METRIC_NAMES.map((m) => core.round3(values[m]!).toFixed(3));
  const rows = t.dimensions.map((d) => ({ name: d.dimension, cells: cells({ ...d.values }) }));
  if (t.dimensions.length > 1) rows.push({ name: 'Mean', cells: cells({ ...t.mean }) });

  const notes: string[] = [];
  if (e.unmatchedLabels.length) notes.push(`${e.unmatchedLabels.length} labelled songs have no prediction (matched by file stem): ${fewOf(e.unmatchedLabels)}`);
  if (e.unmatchedPredictions.length) notes.push(`${e.unmatchedPredictions.length} predictions name no labelled song: ${fewOf(e.unmatchedPredictions)}`);
  const failures = input.failures ?? [];
  if (failures.length) notes.push(`${failures.length} files failed to score and are left out: ${fewOf(failures.map((f) => f.error))}`);

  const matched = core.matchPredictions(labels.songs, [...input.predictions]).matched;
  const scatter = t.dimensions.map((d) => ({
    dimension: d.dimension,
    threshold: d.threshold,
    points: matched.map(({ label, prediction }) => ({
      name: label.file,
      truth: label.values[d.dimension]!,
      predicted: prediction.scores[prediction.labels.findIndex((l) => l.toLowerCase() === d.dimension.toLowerCase())]!,
    })),
  }));
  const models = [...new Map(input.predictions.filter((p) => p.model).map((p) => [`${p.model!.id}@${p.model!.version}`, p.model!])).values()];
  const proxy = models.find((m) => m.proxy);
  return {
    labelsFile: e.labelsFile,
    source: input.source,
    proxy: proxy ? `${proxy.name} is a proxy model, not the published HEAR model${proxy.proxyNote ? `: ${proxy.proxyNote}` : '.'}` : undefined,
    songs: t.n,
    header: ['', ...core.METRIC_NAMES.map((m) => m.toUpperCase())],
    rows,
    notes,
    scatter,
  };
}
