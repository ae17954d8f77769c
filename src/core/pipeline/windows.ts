// Where a song is cut: windows of a window scale (in samples) and the per-segment timeline (in seconds).
import type { ManifestScale } from '../bundle/manifest';

/** Half-open range [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * The sample ranges one scale feeds to a source. Track: the whole song. Window k: samples
 * [k*hop, min(N, k*hop + window)); a window shorter than minTailSamples is dropped.
 */
export function scaleWindows(totalSamples: number, scale: ManifestScale, sampleRate: number): Span[] {
  if (scale.kind === 'track') return totalSamples > 0 ? [{ start: 0, end: totalSamples }] : [];
  const window = Math.round(scale.windowSeconds * sampleRate);
  const hop = Math.round(scale.hopSeconds * sampleRate);
  const spans: Span[] = [];
  for (let start = 0; start < totalSamples; start += hop) {
    const end = Math.min(totalSamples, start + window);
    if (end - start >= scale.minTailSamples) spans.push({ start, end });
  }
  return spans;
}

/** Segment length and hop of the timeline: the first window scale's, else 30 s / 30 s. */
export function segmentGrid(scales: readonly ManifestScale[]): { windowSeconds: number; hopSeconds: number } {
  const w = scales.find((s) => s.kind === 'window');
  return w?.kind === 'window' ? { windowSeconds: w.windowSeconds, hopSeconds: w.hopSeconds } : { windowSeconds: 30, hopSeconds: 30 };
}

/**
 * The timeline's segments as frame ranges of a [T, D] feature matrix: segment i spans seconds
 * [i*hop, min(i*hop + window, duration)] and frames [floor(start*fps), min(T, floor(end*fps))).
 * Segments with fewer than minFrames frames are skipped (their index is kept, so gaps show).
 */
export function segmentFrames(
  durationSeconds: number,
  frames: number,
  frameRate: number,
  grid: { windowSeconds: number; hopSeconds: number },
  minFrames: number,
): { index: number; start: number; end: number; frames: Span }[] {
  const out: { index: number; start: number; end: number; frames: Span }[] = [];
  for (let i = 0; i * grid.hopSeconds < durationSeconds; i++) {
    const start = i * grid.hopSeconds;
    const end = Math.min(start + grid.windowSeconds, durationSeconds);
    const f0 = Math.floor(start * frameRate);
    const f1 = Math.min(frames, Math.floor(end * frameRate));
    if (f1 - f0 >= minFrames) out.push({ index: i, start, end, frames: { start: f0, end: f1 } });
  }
  return out;
}
