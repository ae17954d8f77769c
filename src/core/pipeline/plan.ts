// Everything the pipeline needs from a bundle, as plain data (it crosses into the inference worker).
import { bundlePath, minFrames, type Bundle } from '../bundle';
import type { ManifestScale } from '../bundle/manifest';
import { segmentGrid } from './windows';

export interface PipelinePlan {
  sampleRate: number;
  frameRate: number;
  maxLengthMismatch: number;
  minFrames: number;
  labelCount: number;
  sources: { id: string; path: string; dim: number; frames?: { path: string; dim: number } }[];
  scales: ManifestScale[];
  /** Concatenated on the feature axis in this order. */
  streams: { source: string; scale: string }[];
  head: { path: string; inputDim: number };
  segments: { windowSeconds: number; hopSeconds: number };
}

export function planFor(bundle: Bundle): PipelinePlan {
  const m = bundle.manifest;
  return {
    sampleRate: m.sampleRate,
    frameRate: m.frameRate,
    maxLengthMismatch: m.maxLengthMismatch,
    minFrames: minFrames(m),
    labelCount: m.labels.length,
    sources: m.sources.map((s) => ({
      id: s.id,
      path: bundlePath(bundle, s.file),
      dim: s.dim,
      ...(s.frames ? { frames: { path: bundlePath(bundle, s.frames.file), dim: s.frames.dim } } : {}),
    })),
    scales: m.scales,
    streams: m.streams.map((s) => ({ source: s.source, scale: s.scale })),
    head: { path: bundlePath(bundle, m.head.file), inputDim: m.head.inputDim },
    segments: segmentGrid(m.scales),
  };
}
