// The messages between the extension's panels and their webviews (the song
// report, a comparison, a model, an evaluation), shared by both sides.
// Everything arriving from a webview is checked before use.
import type { ModelInfo } from '../core/engine';
import type { SongScore } from '../core/types';

export interface ReportData {
  file: string;
  name: string;
  /** The song as a webview resource URI, for the <audio> player. */
  audioUri: string;
  score: SongScore;
  /** Peak amplitude (0..1) per equal slice of the song, for the waveform; empty when it could not be decoded. */
  envelope: number[];
}

export type ToWebview =
  | { type: 'report'; report: ReportData }
  | { type: 'missing'; file: string; name: string; message: string }
  | { type: 'scoring'; file: string; name: string };

export type FromWebview =
  | { type: 'ready' }
  /** Score the song again (a "Score" or "Score again" button). */
  | { type: 'score'; force: boolean }
  /** Open the song in the editor. */
  | { type: 'open' }
  /** Save the song's standalone HTML report. */
  | { type: 'exportReport' }
  /** Save the song's segments as DAW markers. */
  | { type: 'exportMarkers' };

/** What the webview keeps with setState, for the panel serializer after a reload. */
export interface ReportState {
  file: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseFromWebview(v: unknown): FromWebview | undefined {
  if (!isRecord(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'open':
    case 'exportReport':
    case 'exportMarkers':
      return { type: v.type };
    case 'score':
      return typeof v.force === 'boolean' ? { type: 'score', force: v.force } : undefined;
    default:
      return undefined;
  }
}

export function parseReportState(v: unknown): ReportState | undefined {
  return isRecord(v) && typeof v.file === 'string' && v.file.length > 0 ? { file: v.file } : undefined;
}

// ---- The comparison panel (Compare Folders) ----

export type VerdictName = 'better' | 'worse' | 'no-evidence';

/** One dimension (or overall) in both runs: histogram counts over shared bins, and the pairs when paired. */
export interface ComparisonSeries {
  label: string;
  /** NaN (sent as null) when the label has no threshold. */
  threshold: number | null;
  /** Bin edges; bin i is [edges[i], edges[i + 1]). */
  edges: number[];
  countsA: number[];
  countsB: number[];
  /** Paired runs only: each pair's scores. */
  pairs: { name: string; a: number; b: number }[];
}

export interface ChangedSongView {
  name: string;
  fileA: string;
  fileB: string;
  overallA: number;
  overallB: number;
  diff: number;
}

export interface ComparisonView {
  nameA: string;
  nameB: string;
  songsA: number;
  songsB: number;
  /** "Scored by …" */
  models: string;
  /** The table as `hear compare` prints it: header, then one row per dimension and overall. */
  header: string[];
  rows: { label: string; cells: string[]; verdict: VerdictName }[];
  summary: string;
  /** How the songs were matched and tested. */
  method: string;
  warnings: string[];
  paired: boolean;
  series: ComparisonSeries[];
  changed: ChangedSongView[];
}

export type ToComparison =
  | { type: 'comparison'; view: ComparisonView }
  | { type: 'busy'; message: string }
  | { type: 'failed'; message: string }
  | { type: 'copied' };

export type FromComparison =
  | { type: 'ready' }
  /** Open a song's report (one of the compared files). */
  | { type: 'openSong'; file: string }
  | { type: 'copyMarkdown' }
  | { type: 'exportReport' };

/** The two folders, kept by the webview for the serializer. */
export interface ComparisonState {
  a: string;
  b: string;
}

export function parseFromComparison(v: unknown): FromComparison | undefined {
  if (!isRecord(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'copyMarkdown':
    case 'exportReport':
      return { type: v.type };
    case 'openSong':
      return typeof v.file === 'string' && v.file.length > 0 ? { type: 'openSong', file: v.file } : undefined;
    default:
      return undefined;
  }
}

export function parseComparisonState(v: unknown): ComparisonState | undefined {
  return isRecord(v) && typeof v.a === 'string' && v.a && typeof v.b === 'string' && v.b ? { a: v.a, b: v.b } : undefined;
}

// ---- The model panel (Inspect Model) ----

export type ToModel =
  /** `rehashed`: every file was hashed just now; else hashes remembered for unchanged files (same size and time) count. */
  | { type: 'model'; model: ModelInfo; rehashed: boolean }
  | { type: 'busy'; message: string }
  | { type: 'failed'; dir: string; message: string };

export type FromModel =
  | { type: 'ready' }
  /** Hash every file again, ignoring the cache of verified files. */
  | { type: 'verify' }
  | { type: 'openManifest' };

export interface ModelState {
  dir: string;
}

export function parseFromModel(v: unknown): FromModel | undefined {
  if (!isRecord(v)) return undefined;
  return v.type === 'ready' || v.type === 'verify' || v.type === 'openManifest' ? { type: v.type } : undefined;
}

export function parseModelState(v: unknown): ModelState | undefined {
  return isRecord(v) && typeof v.dir === 'string' && v.dir.length > 0 ? { dir: v.dir } : undefined;
}

// ---- The evaluation panel (Evaluate Model) ----

export interface EvaluationView {
  labelsFile: string;
  /** Where the predictions came from: a results file, or the model that scored the audio. */
  source: string;
  proxy: string | undefined;
  songs: number;
  /** Metric names, then one row per dimension and "Mean": 3-decimal figures as `hear eval` prints them. */
  header: string[];
  rows: { name: string; cells: string[] }[];
  notes: string[];
  /** Per dimension: each matched song's true label and prediction. */
  scatter: { dimension: string; threshold: number; points: { name: string; truth: number; predicted: number }[] }[];
}

export type ToEvaluation =
  | { type: 'evaluation'; view: EvaluationView }
  | { type: 'busy'; message: string }
  | { type: 'failed'; message: string };

export type FromEvaluation = { type: 'ready' };

/** What was evaluated, for the serializer: the labels and either a results file or an audio folder. */
export interface EvaluationState {
  labels: string;
  predictions?: string;
  audio?: string;
}

export function parseFromEvaluation(v: unknown): FromEvaluation | undefined {
  return isRecord(v) && v.type === 'ready' ? { type: 'ready' } : undefined;
}

export function parseEvaluationState(v: unknown): EvaluationState | undefined {
  if (!isRecord(v) || typeof v.labels !== 'string' || !v.labels) return undefined;
  const predictions = typeof v.predictions === 'string' && v.predictions ? v.predictions : undefined;
  const audio = typeof v.audio === 'string' && v.audio ? v.audio : undefined;
  if (!predictions === !audio) return undefined;
  return { labels: v.labels, ...(predictions ? { predictions } : { audio }) };
}
