// The HEAR pipeline on one song: waveform -> every source at every scale (a framed source's frames
// stage once for all of them) -> streams trimmed to the shortest and concatenated on the feature axis
// -> head -> scores, then the head alone over each segment's frames for the timeline. Pure apart from
// the GraphRunner it is given.
import { HearError } from '../errors';
import type { GraphRunner, TensorData } from '../runtime/sessions';
import type { SegmentScore } from '../types';
import type { FeatureMatrix } from './npy';
import type { PipelinePlan } from './plan';
import { scaleWindows, segmentFrames, type Span } from './windows';

export type PipelineInput = { kind: 'waveform'; samples: Float32Array } | { kind: 'features'; features: FeatureMatrix };

export interface PipelineResult {
  scores: number[];
  segments: SegmentScore[];
  /** Frames of the concatenated feature matrix. */
  frames: number;
  durationSeconds: number;
  timings: { sourcesMs: number; headMs: number; segmentsMs: number };
}

export interface PipelineHooks {
  /** Checked between graph runs; true stops the song with HearError('CANCELLED'). */
  isCancelled?: () => boolean;
  /** 0..1 over the pipeline. */
  onProgress?: (fraction: number, stage: 'sources' | 'head' | 'segments') => void;
}

/** One stream's features: per-window outputs in time order, each row-major [frames, dim]. */
interface StreamFeatures {
  name: string;
  dim: number;
  chunks: Float32Array[];
  frames: number;
}

export async function runPipeline(plan: PipelinePlan, input: PipelineInput, runner: GraphRunner, file: string, hooks: PipelineHooks = {}): Promise<PipelineResult> {
  const checkCancelled = (): void => {
    if (hooks.isCancelled?.()) throw new HearError('CANCELLED', 'scoring was cancelled', file);
  };
  const t0 = performance.now();
  let features: FeatureMatrix;
  let durationSeconds: number;
  if (input.kind === 'waveform') {
    durationSeconds = input.samples.length / plan.sampleRate;
    features = await sourceFeatures(plan, input.samples, runner, file, checkCancelled, hooks.onProgress);
  } else {
    features = input.features;
    if (features.dim !== plan.head.inputDim) {
      throw new HearError('BAD_FEATURES', `features have ${features.dim} values per frame, the head takes ${plan.head.inputDim}`, file);
    }
    durationSeconds = features.frames / plan.frameRate;
  }
  if (features.frames < plan.minFrames) {
    throw new HearError(
      'TOO_SHORT',
      `too short to score: ${features.frames} feature frames (${durationSeconds.toFixed(3)} s), the model needs at least ${plan.minFrames} (${(plan.minFrames / plan.frameRate).toFixed(3)} s)`,
      file,
    );
  }
  const t1 = performance.now();
  hooks.onProgress?.(0.8, 'head');
  checkCancelled();
  const [scores] = await runHead(plan, features, [{ start: 0, end: features.frames }], runner, file);
  const t2 = performance.now();

  const spans = segmentFrames(durationSeconds, features.frames, plan.frameRate, plan.segments, plan.minFrames);
  const segments: SegmentScore[] = [];
  for (const batch of segmentBatches(spans)) {
    checkCancelled();
    hooks.onProgress?.(0.9 + (0.1 * segments.length) / spans.length, 'segments');
    const scored = await runHead(plan, features, batch.map((s) => s.frames), runner, file);
    batch.forEach((s, k) => segments.push({ index: s.index, start: s.start, end: s.end, scores: scored[k]! }));
  }
  const t3 = performance.now();
  return { scores, segments, frames: features.frames, durationSeconds, timings: { sourcesMs: t1 - t0, headMs: t2 - t1, segmentsMs: t3 - t2 } };
}

/** Run every stream and build the one [T, D] matrix; windows are views, chunks copied once into it. */
async function sourceFeatures(
  plan: PipelinePlan,
  samples: Float32Array,
  runner: GraphRunner,
  file: string,
  checkCancelled: () => void,
  onProgress: PipelineHooks['onProgress'],
): Promise<FeatureMatrix> {
  const jobs = plan.streams.map((stream) => {
    const source = plan.sources.find((s) => s.id === stream.source)!;
    const scale = plan.scales.find((s) => s.id === stream.scale)!;
    return { stream, source, wholeSong: scale.kind === 'track', windows: scaleWindows(samples.length, scale, plan.sampleRate) };
  });
  const empty = jobs.find((j) => j.windows.length === 0);
  if (empty) {
    throw new HearError('TOO_SHORT', `too short to score: ${samples.length} samples give no ${empty.stream.scale} window for source ${empty.source.id}`, file);
  }
  const framed = plan.sources.filter((s) => s.frames && jobs.some((j) => j.source === s));
  const totalRuns = framed.length + jobs.reduce((n, j) => n + j.windows.length, 0);
  let runs = 0;
  const progress = (): void => onProgress?.((0.8 * ++runs) / totalRuns, 'sources');
  // A framed source's frames stage runs once over the whole song, before its first stream; every call
  // takes its window's rows. Source by source, each one's whole-song stream first: that run is the
  // engine's peak (the timbre track's intermediates: 90 to 120 MB for 10 minutes), and right after the
  // frames stage it reuses the memory that stage freed, before the window outputs pile up (10-minute song:
  // 25 MB less peak RSS than all frames stages, then every stream in the manifest's order).
  const hop = Math.round(plan.sampleRate / plan.frameRate);
  const songFrames = new Map<string, Float32Array>();
  const order = [...jobs].sort((a, b) => plan.sources.indexOf(a.source) - plan.sources.indexOf(b.source) || Number(b.wholeSong) - Number(a.wholeSong));
  const streams: StreamFeatures[] = [];
  for (const job of order) {
    const { stream, source, windows } = job;
    if (source.frames && !songFrames.has(source.id)) {
      checkCancelled();
      const { frames } = await runner.run(source.frames.path, 'source', { waveform: { data: samples, dims: [1, samples.length] } }, ['frames']);
      expectShape(frames!, [1, Math.floor(samples.length / hop), source.frames.dim], `the frames stage of source '${source.id}'`, source.frames.path);
      songFrames.set(source.id, frames!.data);
      progress();
    }
    const name = `${stream.source}@${stream.scale}`;
    const out: StreamFeatures = { name, dim: source.dim, chunks: [], frames: 0 };
    for (const w of windows) {
      checkCancelled();
      const waveform = samples.subarray(w.start, w.end);
      const feeds: Record<string, TensorData> = { waveform: { data: waveform, dims: [1, waveform.length] } };
      const rows = songFrames.get(source.id);
      if (rows) {
        const [first, count, width] = [w.start / hop, Math.floor(waveform.length / hop), source.frames!.dim];
        feeds.frames = { data: rows.subarray(first * width, (first + count) * width), dims: [1, count, width] };
      }
      const { features } = await runner.run(source.path, 'source', feeds, ['features']);
      const [batch, frames, dim] = features!.dims;
      if (features!.dims.length !== 3 || batch !== 1 || dim !== source.dim) {
        throw new HearError('BAD_BUNDLE', `source '${source.id}' returned features of shape [${features!.dims.join(', ')}], expected [1, frames, ${source.dim}]`, source.path);
      }
      out.chunks.push(features!.data);
      out.frames += frames!;
      progress();
    }
    streams[jobs.indexOf(job)] = out;
  }
  return concatenateStreams(streams, plan.maxLengthMismatch, file);
}

function expectShape(tensor: TensorData<Float32Array>, dims: number[], what: string, path: string): void {
  if (tensor.dims.join() !== dims.join()) {
    throw new HearError('BAD_BUNDLE', `${what} returned shape [${tensor.dims.join(', ')}], expected [${dims.join(', ')}]`, path);
  }
}

/** Trim every stream to the shortest and lay them side by side; more than `maxMismatch` frames apart is an error. */
function concatenateStreams(streams: StreamFeatures[], maxMismatch: number, file: string): FeatureMatrix {
  const lengths = streams.map((s) => s.frames);
  const frames = Math.min(...lengths);
  if (Math.max(...lengths) - frames > maxMismatch) {
    const detail = streams.map((s) => `${s.name}: ${s.frames}`).join(', ');
    throw new HearError('LENGTH_MISMATCH', `feature streams differ by more than ${maxMismatch} frames (${detail})`, file);
  }
  const dim = streams.reduce((n, s) => n + s.dim, 0);
  const data = new Float32Array(frames * dim);
  let column = 0;
  for (const s of streams) {
    let t = 0;
    for (const chunk of s.chunks) {
      for (let r = 0; r * s.dim < chunk.length && t < frames; r++, t++) {
        data.set(chunk.subarray(r * s.dim, (r + 1) * s.dim), t * dim + column);
      }
    }
    column += s.dim;
  }
  return { data, frames, dim };
}

/**
 * Segments in runs of equal length, at most SEGMENT_BATCH each: one head run per batch instead of one per
 * segment (measured on one CPU thread, HEAR-Lite 0.5.2's four heads on six 30 s segments: 91 -> 83 ms). Equal
 * lengths need no padding, so every row takes the head's unmasked attention and scores as it would alone.
 */
const SEGMENT_BATCH = 8;

function segmentBatches<T extends { frames: Span }>(spans: T[]): T[][] {
  const batches: T[][] = [];
  const frames = (s: T): number => s.frames.end - s.frames.start;
  for (const span of spans) {
    const last = batches[batches.length - 1];
    if (last && last.length < SEGMENT_BATCH && frames(last[0]!) === frames(span)) last.push(span);
    else batches.push([span]);
  }
  return batches;
}

/** The head over equal-length frame ranges of the matrix as one batch: a view when the ranges follow each other, else a copy. */
async function runHead(plan: PipelinePlan, m: FeatureMatrix, ranges: Span[], runner: GraphRunner, file: string): Promise<number[][]> {
  const frames = ranges[0]!.end - ranges[0]!.start;
  const adjacent = ranges.every((r, k) => k === 0 || r.start === ranges[k - 1]!.end);
  let data = m.data.subarray(ranges[0]!.start * m.dim, ranges[ranges.length - 1]!.end * m.dim);
  if (!adjacent) {
    data = new Float32Array(ranges.length * frames * m.dim);
    ranges.forEach((r, k) => data.set(m.data.subarray(r.start * m.dim, r.end * m.dim), k * frames * m.dim));
  }
  const feeds: Record<string, TensorData> = {
    features: { data, dims: [ranges.length, frames, m.dim] },
    lengths: { data: BigInt64Array.from(ranges, () => BigInt(frames)), dims: [ranges.length] },
  };
  const { scores } = await runner.run(plan.head.path, 'head', feeds, ['scores']);
  if (scores!.data.length !== ranges.length * plan.labelCount) {
    throw new HearError('BAD_BUNDLE', `the head returned ${scores!.data.length} scores for ${ranges.length} x ${plan.labelCount} labels`, plan.head.path);
  }
  const values = Array.from(scores!.data);
  if (values.some((v) => !Number.isFinite(v))) throw new HearError('INFERENCE', `the head returned non-finite scores (${values.join(', ')})`, file);
  return ranges.map((_, k) => values.slice(k * plan.labelCount, (k + 1) * plan.labelCount));
}
