// Shapes shared by the engine, the CLI and the extension. One name per concept:
// a bundle (model folder), a source (waveform -> frame features graph), a scale
// (how audio is cut before a source), a score (one song's result), a segment
// (a 30 s stretch of a song with its own scores).

/** The five SongEval dimensions in the official order (HEAR Track 2 output). */
export const DIMENSIONS = ['Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Official top-tier thresholds (score >= threshold). */
export const OFFICIAL_THRESHOLDS: Readonly<Record<Dimension, number>> = {
  Coherence: 4.0,
  Musicality: 4.0,
  Memorability: 3.75,
  Clarity: 3.75,
  Naturalness: 4.0,
};

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml';
export type ProviderChoice = ExecutionProvider | 'auto';

/** Facts about an audio file, from its container and decoder. */
export interface AudioInfo {
  /** Seconds of audio actually decoded. */
  durationSeconds: number;
  /** Container/codec as detected, e.g. "wav/pcm_s16le", "mp3", "flac", "ogg/vorbis". */
  format: string;
  sampleRate: number;
  channels: number;
  /** Bits per second, when the container says. */
  bitrate?: number;
  bitsPerSample?: number;
  tags: Record<string, string>;
  /** How the file was decoded: a built-in decoder or the system ffmpeg. */
  decoder: string;
}

/** The model that produced a score, as shown to users. */
export interface ModelRef {
  id: string;
  name: string;
  version: string;
  proxy: boolean;
  proxyNote?: string;
}

export interface SegmentScore {
  index: number;
  /** Seconds from the start of the song. */
  start: number;
  end: number;
  /** One score per label, in the bundle's label order. */
  scores: number[];
}

export interface StageTimings {
  decodeMs: number;
  sourcesMs: number;
  headMs: number;
  segmentsMs: number;
  totalMs: number;
}

/** One song's result: what the store keeps and every face shows. */
export interface SongScore {
  /** Absolute path at the time of scoring. */
  file: string;
  /** sha256 of the file's bytes. */
  contentHash: string;
  model: ModelRef;
  labels: string[];
  thresholds: number[];
  scores: number[];
  /** Mean of the label scores. */
  overall: number;
  /** Per label: score >= threshold. */
  topTier: boolean[];
  /** True when every label reaches its threshold. */
  allTopTier: boolean;
  segments: SegmentScore[];
  audio?: AudioInfo;
  /** Execution provider that ran the graphs, e.g. "cpu". */
  provider: string;
  timings: StageTimings;
  /** ISO 8601 time of scoring. */
  scoredAt: string;
}

/** A file that could not be scored: the batch goes on without it. */
export interface SongFailure {
  file: string;
  /** One line a person can act on: what is wrong with which file. */
  error: string;
  code: string;
}

/** Which execution provider runs the graphs, and why the others did not. */
export interface ProviderReport {
  requested: ProviderChoice;
  active: ExecutionProvider;
  attempts: { provider: ExecutionProvider; ok: boolean; error?: string }[];
}

export interface ScoreProgress {
  /** 0..1 over the whole song. */
  fraction: number;
  stage: 'decode' | 'sources' | 'head' | 'segments' | 'store';
}

export interface ScoreRequest {
  /** Score again even when the store holds a result for this content and model. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: ScoreProgress) => void;
}
