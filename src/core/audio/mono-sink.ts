// Where every decoder's output goes: downmix to mono (mean of the channels) block by block, check the
// samples, resample to the target rate and collect the result. Working block by block keeps a long song's
// full-rate multichannel audio out of memory: only the target-rate mono result grows.

import { HearError } from '../errors';
import { Resampler } from './resample';

/** -100 dBFS: a peak below this is digital silence. */
const SILENCE_PEAK = 1e-5;
const MIN_SECONDS = 0.5;

export interface MonoSinkOptions {
  file: string;
  fromRate: number;
  toRate: number;
  maxDurationSeconds: number;
  /** Expected input frames, to size the output once; a guess is fine. */
  expectedFrames?: number;
}

export class MonoSink {
  private readonly resampler: Resampler | undefined;
  private out: Float32Array;
  private outLength = 0;
  private mono = new Float32Array(0);
  private peak = 0;
  /** Input frames (at the source rate) received. */
  frames = 0;

  constructor(private readonly options: MonoSinkOptions) {
    if (!Number.isFinite(options.fromRate) || options.fromRate <= 0 || !Number.isInteger(options.fromRate)) {
      throw new HearError('CORRUPT', `invalid sample rate ${options.fromRate} Hz`, options.file);
    }
    try {
      this.resampler = options.fromRate === options.toRate ? undefined : new Resampler(options.fromRate, options.toRate);
    } catch (err) {
      throw new HearError('UNSUPPORTED_FORMAT', (err as Error).message, options.file);
    }
    const expected = Math.ceil(((options.expectedFrames ?? options.fromRate * 60) * options.toRate) / options.fromRate);
    this.out = new Float32Array(Math.min(expected + 1024, Math.ceil(options.maxDurationSeconds * options.toRate) + 1024));
  }

  get sampleRate(): number {
    return this.options.fromRate;
  }

  get seconds(): number {
    return this.frames / this.options.fromRate;
  }

  /** Planar channels (one array per channel), `frames` samples each, times `gain`. */
  pushPlanar(channels: Float32Array[], frames: number, gain = 1): void {
    if (frames === 0) return;
    if (channels.length === 1 && gain === 1) {
      this.pushMono(channels[0].subarray(0, frames));
      return;
    }
    const mono = this.scratch(frames);
    const scale = gain / channels.length;
    mono.set(channels[0].subarray(0, frames));
    for (let c = 1; c < channels.length; c++) {
      const ch = channels[c];
      for (let i = 0; i < frames; i++) mono[i] += ch[i];
    }
    for (let i = 0; i < frames; i++) mono[i] *= scale;
    this.pushMono(mono);
  }

  /** A scratch block for callers that downmix themselves (the WAV reader converts and mixes in one pass). */
  scratch(frames: number): Float32Array {
    if (this.mono.length < frames) this.mono = new Float32Array(frames);
    return this.mono.subarray(0, frames);
  }

  pushMono(mono: Float32Array): void {
    const { file, fromRate, maxDurationSeconds } = this.options;
    let peak = this.peak;
    for (let i = 0; i < mono.length; i++) {
      const v = mono[i];
      // NaN fails both comparisons below, so test finiteness explicitly.
      if (!Number.isFinite(v)) {
        const at = ((this.frames + i) / fromRate).toFixed(3);
        throw new HearError('BAD_SAMPLES', `contains NaN or infinite samples (first at ${at} s)`, file);
      }
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
    }
    this.peak = peak;
    this.frames += mono.length;
    if (this.frames > maxDurationSeconds * fromRate) {
      throw new HearError('TOO_LARGE', `longer than the ${maxDurationSeconds} s limit`, file);
    }
    this.collect(this.resampler ? this.resampler.push(mono) : mono);
  }

  private collect(block: Float32Array): void {
    const needed = this.outLength + block.length;
    if (needed > this.out.length) {
      const grown = new Float32Array(Math.max(needed, Math.ceil(this.out.length * 1.5)));
      grown.set(this.out.subarray(0, this.outLength));
      this.out = grown;
    }
    this.out.set(block, this.outLength);
    this.outLength = needed;
  }

  /** The whole signal at the target rate, after the checks that need all of it. */
  finish(): Float32Array {
    const { file } = this.options;
    if (this.resampler) this.collect(this.resampler.flush());
    if (this.seconds < MIN_SECONDS) {
      throw new HearError('TOO_SHORT', `only ${this.seconds.toFixed(3)} s of audio (${this.frames} samples); at least ${MIN_SECONDS} s is needed`, file);
    }
    if (this.peak < SILENCE_PEAK) {
      throw new HearError('BAD_SAMPLES', 'silent: nothing to score (peak below -100 dBFS)', file);
    }
    // Hand over the buffer itself when little is wasted (it is transferred, not copied, to the caller).
    const waste = this.out.length - this.outLength;
    return waste <= Math.max(4096, this.outLength / 100) ? this.out.subarray(0, this.outLength) : this.out.slice(0, this.outLength);
  }
}
