// Reading the two kinds of per-song numbers that `hear eval` and `hear compare`
// consume: true labels (SongEval metadata.jsonl with one entry per rater, or a
// CSV with one row per song) and predictions (the JSON / JSONL / CSV files
// written by `hear score`). Every refusal is a HearError naming the file and,
// where it helps, the line.
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { HearError, asHearError } from './errors';
import { isRecord } from './json-file';
import { mean } from './song-values';
import { DIMENSIONS, OFFICIAL_THRESHOLDS, type AudioInfo, type ModelRef, type SegmentScore, type SongFailure, type StageTimings } from './types';

/** One song's true scores: the mean over its raters of each dimension. */
export interface LabeledSong {
  /** The song's path as written in the labels file, e.g. "mp3/0.mp3". */
  file: string;
  /** Dimension name (official spelling) -> label. */
  values: Record<string, number>;
  /** The other top-level fields (gender, system, ...) as text, for `--system-key`. */
  fields: Record<string, string>;
  /** 1-based line in the labels file, for messages. */
  line: number;
}

export interface LabelSet {
  file: string;
  /** Dimensions present for every song, in the official order. */
  dimensions: string[];
  songs: LabeledSong[];
}

/**
 * A song's scores, whatever results file they came from. A SongScore (what
 * `hear score --json` writes and the store keeps) is one; a row of `hear score
 * --csv` gives one with the scores alone. The optional facts are what the JSON
 * formats add and a report shows when present.
 */
export interface ScoredSong {
  file: string;
  labels: string[];
  scores: number[];
  /** Per label; NaN when the source did not say and the label has no official threshold. */
  thresholds: number[];
  model?: ModelRef;
  /** Per-segment scores, when the results file has them (`hear score --segments`). */
  segments?: SegmentScore[];
  contentHash?: string;
  scoredAt?: string;
  provider?: string;
  audio?: AudioInfo;
  timings?: StageTimings;
}

export interface PredictionSet {
  file: string;
  songs: ScoredSong[];
  failures: SongFailure[];
}

/** The path with / for separators and without its last extension. */
export function withoutExtension(path: string): string {
  const p = path.replace(/\\/g, '/');
  const ext = extname(p);
  return ext ? p.slice(0, -ext.length) : p;
}

/** File name without folder and last extension: how SongEval matches songs to predictions. */
export function fileStem(path: string): string {
  return withoutExtension(basename(path.replace(/\\/g, '/')));
}

/** The official spelling of a dimension name given in any letter case, or undefined. */
function officialDimension(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  return DIMENSIONS.find((d) => d.toLowerCase() === lower);
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw asHearError(err, path, 'BAD_LABELS');
  }
}

function finiteNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function parseJsonLines(text: string, file: string): { value: unknown; line: number }[] {
  const rows: { value: unknown; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      rows.push({ value: JSON.parse(raw), line: i + 1 });
    } catch (err) {
      throw new HearError('BAD_LABELS', `line ${i + 1} is not valid JSON (${(err as Error).message})`, file);
    }
  });
  return rows;
}

/** Keeps only the dimensions every song has, in the official order; refuses a file with none. */
function labelSet(file: string, songs: LabeledSong[]): LabelSet {
  if (songs.length === 0) throw new HearError('BAD_LABELS', 'no songs in the labels file', file);
  const dimensions = DIMENSIONS.filter((d) => songs.every((s) => d in s.values));
  if (dimensions.length === 0) {
    throw new HearError('BAD_LABELS', `no dimension (${DIMENSIONS.join(', ')}) is labelled for every song`, file);
  }
  return { file, dimensions, songs };
}

/**
 * SongEval metadata.jsonl: `{"file_name": ..., "annotation": [{"Coherence": 4, ...}, ...]}`
 * per line; each label is the mean over the annotations that rate it. Lines
 * that carry the dimensions directly (no `annotation`) are read as they are.
 */
export function parseLabelsJsonl(text: string, file: string): LabelSet {
  const songs = parseJsonLines(text, file).map(({ value, line }) => {
    if (!isRecord(value)) throw new HearError('BAD_LABELS', `line ${line} is not a JSON object`, file);
    const name = value.file_name ?? value.file;
    if (typeof name !== 'string' || name === '') {
      throw new HearError('BAD_LABELS', `line ${line} has no "file_name"`, file);
    }
    const ratings = Array.isArray(value.annotation) ? value.annotation : [value];
    const values: Record<string, number> = {};
    for (const dimension of DIMENSIONS) {
      const given = ratings.filter(isRecord).map((r) => r[dimension]).filter((v) => v !== undefined && v !== null);
      if (given.length === 0) continue;
      const numbers = given.map(finiteNumber);
      if (numbers.some((n) => n === undefined)) {
        throw new HearError('BAD_LABELS', `line ${line}: ${dimension} is not a finite number`, file);
      }
      values[dimension] = mean(numbers as number[]);
    }
    const fields: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[key] = String(v);
    }
    return { file: name, values, fields, line };
  });
  return labelSet(file, songs);
}

const FILE_COLUMNS = ['file_name', 'file', 'filename', 'path', 'song'];

/** CSV with a header: a file column (file_name, file, filename, path or song) and one column per dimension. */
export function parseLabelsCsv(text: string, file: string): LabelSet {
  let rows: string[][];
  try {
    rows = parseCsv(text, { skip_empty_lines: true, trim: true, bom: true, delimiter: file.endsWith('.tsv') ? '\t' : ',' });
  } catch (err) {
    throw new HearError('BAD_LABELS', `not valid CSV (${(err as Error).message})`, file);
  }
  const header = rows[0];
  if (!header) throw new HearError('BAD_LABELS', 'empty CSV', file);
  const fileColumn = header.findIndex((h) => FILE_COLUMNS.includes(h.toLowerCase()));
  if (fileColumn < 0) {
    throw new HearError('BAD_LABELS', `no file column (one of ${FILE_COLUMNS.join(', ')}) in the header`, file);
  }
  const songs = rows.slice(1).map((row, i) => {
    const line = i + 2;
    const values: Record<string, number> = {};
    const fields: Record<string, string> = {};
    header.forEach((name, column) => {
      const cell = row[column] ?? '';
      const dimension = officialDimension(name);
      if (!dimension) {
        fields[name] = cell;
        return;
      }
      if (cell === '') return;
      const n = finiteNumber(cell);
      if (n === undefined) throw new HearError('BAD_LABELS', `line ${line}: ${name} "${cell}" is not a number`, file);
      values[dimension] = n;
    });
    const name = row[fileColumn] ?? '';
    if (name === '') throw new HearError('BAD_LABELS', `line ${line} has no file name`, file);
    return { file: name, values, fields, line };
  });
  return labelSet(file, songs);
}

/** Labels from a `.csv` / `.tsv` file, or SongEval-style JSON Lines otherwise. */
export async function readLabels(path: string): Promise<LabelSet> {
  const text = await readText(path);
  return /\.(csv|tsv)$/i.test(path) ? parseLabelsCsv(text, path) : parseLabelsJsonl(text, path);
}

function thresholdsFor(labels: string[]): number[] {
  return labels.map((l) => {
    const d = officialDimension(l);
    return d ? OFFICIAL_THRESHOLDS[d as keyof typeof OFFICIAL_THRESHOLDS] : Number.NaN;
  });
}

/** A SongScore-shaped object from a results file, checked enough for statistics. */
function scoredSongFrom(value: unknown, file: string, where: string): ScoredSong {
  if (!isRecord(value)) throw new HearError('BAD_LABELS', `${where} is not a JSON object`, file);
  const { labels, scores } = value;
  if (typeof value.file !== 'string') throw new HearError('BAD_LABELS', `${where} has no "file"`, file);
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) {
    throw new HearError('BAD_LABELS', `${where} has no "labels" list`, file);
  }
  if (!Array.isArray(scores) || scores.length !== labels.length || !scores.every((s) => finiteNumber(s) !== undefined)) {
    throw new HearError('BAD_LABELS', `${where}: "scores" must be ${labels.length} finite numbers`, file);
  }
  const given = value.thresholds;
  const thresholds =
    Array.isArray(given) && given.length === labels.length && given.every((t) => typeof t === 'number')
      ? (given as number[])
      : thresholdsFor(labels);
  const song: ScoredSong = { file: value.file, labels, scores: scores as number[], thresholds };
  if (isRecord(value.model)) song.model = value.model as unknown as ModelRef;
  if (Array.isArray(value.segments)) song.segments = value.segments.map((s, i) => segmentFrom(s, labels.length, file, `${where}, segment ${i + 1}`));
  // The facts a report shows: kept when they have their SongScore types, left out otherwise (statistics never need them).
  for (const key of ['contentHash', 'scoredAt', 'provider'] as const) {
    const text = value[key];
    if (typeof text === 'string') song[key] = text;
  }
  if (hasFieldTypes<AudioInfo>(value.audio, AUDIO_FIELDS) && isRecord(value.audio.tags)) song.audio = value.audio;
  if (hasFieldTypes<StageTimings>(value.timings, TIMING_FIELDS)) song.timings = value.timings;
  return song;
}

const AUDIO_FIELDS = { durationSeconds: 'number', format: 'string', sampleRate: 'number', channels: 'number', decoder: 'string' } as const;
const TIMING_FIELDS = { decodeMs: 'number', sourcesMs: 'number', headMs: 'number', segmentsMs: 'number', totalMs: 'number' } as const;

/** A record whose fields have these `typeof` types. */
function hasFieldTypes<T>(value: unknown, fields: Record<string, string>): value is T & Record<string, unknown> {
  return isRecord(value) && Object.entries(fields).every(([key, type]) => typeof value[key] === type);
}

function segmentFrom(value: unknown, labels: number, file: string, where: string): SegmentScore {
  const ok =
    isRecord(value) &&
    typeof value.index === 'number' &&
    typeof value.start === 'number' &&
    typeof value.end === 'number' &&
    value.end >= value.start &&
    Array.isArray(value.scores) &&
    value.scores.length === labels &&
    value.scores.every((s) => finiteNumber(s) !== undefined);
  if (!ok) throw new HearError('BAD_LABELS', `${where}: expected { index, start, end, scores[${labels}] }`, file);
  return value as unknown as SegmentScore;
}

function failureFrom(value: Record<string, unknown>): SongFailure {
  return { file: String(value.file ?? ''), error: String(value.error), code: String(value.code ?? 'CORRUPT') };
}

/** `hear score --json` output: `{ results: SongScore[], failures: SongFailure[] }` (or a bare array). */
export function parsePredictionsJson(text: string, file: string): PredictionSet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HearError('BAD_LABELS', `not valid JSON (${(err as Error).message})`, file);
  }
  const results = Array.isArray(value) ? value : isRecord(value) ? value.results : undefined;
  if (!Array.isArray(results)) throw new HearError('BAD_LABELS', 'expected { "results": [...] } as written by hear score --json', file);
  const failures = isRecord(value) && Array.isArray(value.failures) ? value.failures.filter(isRecord).map(failureFrom) : [];
  return { file, songs: results.map((r, i) => scoredSongFrom(r, file, `result ${i + 1}`)), failures };
}

/** `hear score --jsonl` output: one SongScore a line; a line with an "error" and no scores is a failure. */
export function parsePredictionsJsonl(text: string, file: string): PredictionSet {
  const songs: ScoredSong[] = [];
  const failures: SongFailure[] = [];
  for (const { value, line } of parseJsonLines(text, file)) {
    if (isRecord(value) && typeof value.error === 'string' && !Array.isArray(value.scores)) failures.push(failureFrom(value));
    else songs.push(scoredSongFrom(value, file, `line ${line}`));
  }
  return { file, songs, failures };
}

/**
 * `hear score --csv` output: `file,<label1>,...,<labelN>,overall,top_tier,error`;
 * with `--segments` also `segment,start,end`, and after each song row one row per
 * segment (its `segment` set), which is not a song and is skipped.
 */
export function parsePredictionsCsv(text: string, file: string): PredictionSet {
  let rows: Record<string, string>[];
  let header: string[] = [];
  try {
    rows = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      columns: (h: string[]) => (header = h.map((c) => c.trim())),
    });
  } catch (err) {
    throw new HearError('BAD_LABELS', `not valid CSV (${(err as Error).message})`, file);
  }
  const overall = header.indexOf('overall');
  if (header[0] !== 'file' || overall < 2) {
    throw new HearError('BAD_LABELS', 'expected the header "file,<labels...>,overall,..." written by hear score --csv', file);
  }
  const labels = header.slice(1, overall);
  const thresholds = thresholdsFor(labels);
  const songs: ScoredSong[] = [];
  const failures: SongFailure[] = [];
  rows.forEach((row, i) => {
    if (row.segment) return;
    if (row.error) {
      failures.push({ file: row.file ?? '', error: row.error, code: 'CORRUPT' });
      return;
    }
    const scores = labels.map((l) => finiteNumber(row[l]));
    if (scores.some((s) => s === undefined)) {
      throw new HearError('BAD_LABELS', `line ${i + 2}: scores must be finite numbers`, file);
    }
    songs.push({ file: row.file ?? '', labels, scores: scores as number[], thresholds });
  });
  return { file, songs, failures };
}

/** A results file written by `hear score`, told apart by extension (.csv) or content (one JSON value or JSON Lines). */
export async function readPredictions(path: string): Promise<PredictionSet> {
  const text = await readText(path);
  if (/\.(csv)$/i.test(path)) return parsePredictionsCsv(text, path);
  const trimmed = text.trim();
  if (trimmed === '') throw new HearError('BAD_LABELS', 'empty results file', path);
  // `hear score --json` writes one document (pretty-printed, or one line with
  // "results"); `--jsonl` one SongScore or failure per line.
  const firstLine = trimmed.split('\n', 1)[0]!;
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    return parsePredictionsJson(text, path); // the first line is only part of a document
  }
  return Array.isArray(first) || (isRecord(first) && 'results' in first)
    ? parsePredictionsJson(text, path)
    : parsePredictionsJsonl(text, path);
}

/** A labelled song and the prediction for it. */
export interface MatchedSong {
  label: LabeledSong;
  prediction: ScoredSong;
}

export interface Matching {
  matched: MatchedSong[];
  /** Labelled songs with no prediction (or more than one that fits). */
  unmatchedLabels: LabeledSong[];
  /** Predictions for songs the labels do not name. */
  unmatchedPredictions: ScoredSong[];
}

/**
 * Pairs labels with predictions by file stem, as SongEval does. When a stem is
 * not unique (e.g. sysA/1.wav and sysB/1.wav), a prediction whose path ends
 * with the label's folder/name settles it; anything still ambiguous stays unmatched.
 */
export function matchPredictions(labels: LabeledSong[], predictions: ScoredSong[]): Matching {
  const byStem = new Map<string, ScoredSong[]>();
  for (const p of predictions) {
    const stem = fileStem(p.file);
    const same = byStem.get(stem);
    if (same) same.push(p);
    else byStem.set(stem, [p]);
  }
  const labelsPerStem = new Map<string, number>();
  for (const l of labels) labelsPerStem.set(fileStem(l.file), (labelsPerStem.get(fileStem(l.file)) ?? 0) + 1);

  const matched: MatchedSong[] = [];
  const unmatchedLabels: LabeledSong[] = [];
  const used = new Set<ScoredSong>();
  for (const label of labels) {
    const stem = fileStem(label.file);
    let candidates = byStem.get(stem) ?? [];
    if (candidates.length > 1 || labelsPerStem.get(stem)! > 1) {
      const tail = withoutExtension(label.file).replace(/^\.?\//, '');
      candidates = candidates.filter((p) => {
        const path = withoutExtension(p.file);
        return path === tail || path.endsWith(`/${tail}`);
      });
    }
    const prediction = candidates.length === 1 ? candidates[0]! : undefined;
    if (prediction && !used.has(prediction)) {
      used.add(prediction);
      matched.push({ label, prediction });
    } else {
      unmatchedLabels.push(label);
    }
  }
  return { matched, unmatchedLabels, unmatchedPredictions: predictions.filter((p) => !used.has(p)) };
}

/**
 * The system a matched song belongs to, for system-level metrics: `dir` is the
 * folder holding the scored audio file; `re:PATTERN` is the first capture
 * group (or whole match) of PATTERN in the labelled file name; any other key
 * names a field of the labels (e.g. "system"). Undefined when it does not apply.
 */
export function systemOf(song: MatchedSong, key: string): string | undefined {
  if (key === 'dir') return basename(dirname(song.prediction.file.replace(/\\/g, '/'))) || undefined;
  if (key.startsWith('re:')) {
    const m = new RegExp(key.slice(3)).exec(song.label.file);
    return m ? (m[1] ?? m[0]) : undefined;
  }
  const value = song.label.fields[key];
  return value === undefined || value === '' ? undefined : value;
}
