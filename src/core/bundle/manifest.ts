// Types of a bundle's manifest.json, written by hand from models/bundle.schema.json
// (the schema is the source of truth; validate.ts checks documents against it).
import type { Dimension } from '../types';

export interface ManifestLabel {
  name: Dimension;
  /** Top-tier when score >= threshold. */
  threshold: number;
}

export interface ManifestSource {
  id: string;
  /** ONNX graph: input 'waveform' [1, samples] (and 'frames' with a frames stage) -> output 'features' [1, frames, dim]. */
  file: string;
  dim: number;
  /**
   * Frames stage, run once per song: 'waveform' [1, samples] -> 'frames' [1, floor(samples / hop), dim]
   * (hop = sampleRate / frameRate). Each call of `file` then takes its window's rows of them.
   */
  frames?: { file: string; dim: number };
  description?: string;
}

export interface TrackScale {
  id: string;
  kind: 'track';
}

export interface WindowScale {
  id: string;
  kind: 'window';
  windowSeconds: number;
  hopSeconds: number;
  /** A trailing window shorter than this many samples is dropped. */
  minTailSamples: number;
}

export type ManifestScale = TrackScale | WindowScale;

export interface ManifestStream {
  source: string;
  scale: string;
}

export interface ManifestHead {
  /** ONNX graph: 'features' float32 [1, T, inputDim] + 'lengths' int64 [1] -> 'scores' [1, labels]. */
  file: string;
  inputDim: number;
  minFrames?: number;
  precision?: 'fp32' | 'int8';
  config?: Record<string, unknown>;
}

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
  license: string;
  provenance: string;
}

export interface Manifest {
  format: 'hear-bundle/1';
  id: string;
  name: string;
  version: string;
  description?: string;
  task: { track: 1 | 2 };
  labels: ManifestLabel[];
  scoreRange: [number, number];
  proxy: boolean;
  proxyNote?: string;
  sampleRate: number;
  frameRate: number;
  input: 'audio' | 'features';
  sources: ManifestSource[];
  scales: ManifestScale[];
  streams: ManifestStream[];
  maxLengthMismatch: number;
  head: ManifestHead;
  files: ManifestFile[];
  metrics?: Record<string, unknown>;
}

/** Fewest frames the head accepts when the manifest does not say (HEAR's time downsampling needs 3). */
export const DEFAULT_MIN_FRAMES = 3;
