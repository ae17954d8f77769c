// Polyphase windowed-sinc resampler with a Kaiser window.
//
// Hand-written because it is the decode path's hot loop and no npm resampler is both alias-free and fast:
// libsamplerate-js SINC_BEST took 6.3 s for 144 s of audio, SINC_MEDIUM loses 5 dB at 11 kHz (see
// shared/notes/machine.md). This one runs any rational ratio from one table of L phases (L = toRate / gcd),
// so each output sample is one dot product of K taps, with no per-sample trigonometry; the dot products
// run in a small WebAssembly SIMD kernel (resample-kernel.ts). A 2:1 ratio (48 -> 24 kHz) is the same
// code with a single phase row; identical rates skip the filter entirely.
//
// Design (f_N = Nyquist of the lower of the two rates, transition band TRANSITION * f_N wide, stopband
// attenuated by ATTENUATION_DB):
// - downsampling: the transition band ends at the output Nyquist, so no tone above it can alias back
//   (for 24 kHz output: nothing above 12 kHz leaks in, and the passband is flat within 0.1 dB to 10 kHz);
// - upsampling: the transition band is centred on the input Nyquist, so the image of a passband tone at
//   f (at f_in - f) falls in the stopband, and a 22.05 kHz input keeps its passband up to 10 kHz.
// Both properties are measured against the specification and against sox in test/unit/resample.test.ts.

import { ResampleKernel } from './resample-kernel';

const ATTENUATION_DB = 110;
const TRANSITION = 0.2;
/** A phase table beyond this many coefficients (64 MB) means a pathological ratio, e.g. 192001 -> 24000. */
const MAX_TABLE = 1 << 24;

export interface ResamplerDesign {
  /** Output samples per `down` input samples, in lowest terms. */
  up: number;
  down: number;
  /** Taps per phase (a multiple of 8, as the SIMD kernel needs). */
  taps: number;
  /** `up` rows of `taps` coefficients; row p holds the filter for output times p/up past an input sample. */
  table: Float32Array;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the betas used). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 100; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-21 * sum) break;
  }
  return sum;
}

export function designResampler(fromRate: number, toRate: number): ResamplerDesign {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new RangeError(`sample rates must be positive integers, got ${fromRate} -> ${toRate}`);
  }
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const nyquist = Math.min(fromRate, toRate) / 2;
  const transitionHz = TRANSITION * nyquist;
  const cutoffHz = toRate > fromRate ? nyquist : nyquist - transitionHz / 2;
  const cutoff = cutoffHz / fromRate; // cycles per input sample
  const beta = 0.1102 * (ATTENUATION_DB - 8.7); // Kaiser's formula for A > 50 dB
  // Kaiser's length estimate, in input samples, rounded up to a multiple of 8.
  const length = (ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * (transitionHz / fromRate));
  const taps = Math.ceil(length / 8) * 8;
  if (up * taps > MAX_TABLE) {
    throw new RangeError(`cannot resample ${fromRate} Hz to ${toRate} Hz: the ratio ${up}/${down} needs too large a filter`);
  }
  const half = taps / 2;
  const i0Beta = besselI0(beta);
  const table = new Float32Array(up * taps);
  const row = new Float64Array(taps);
  for (let p = 0; p < up; p++) {
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      // Distance in input samples from the output time (p/up past input i) to tap input i - half + 1 + k.
      const d = half - 1 - k + p / up;
      const x = Math.PI * 2 * cutoff * d;
      const sinc = d === 0 ? 1 : Math.sin(x) / x;
      const r = d / half;
      const window = r * r >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
      row[k] = sinc * window;
      sum += row[k];
    }
    // Unit gain at DC for every phase, so a constant input stays exactly constant.
    for (let k = 0; k < taps; k++) table[p * taps + k] = row[k] / sum;
  }
  return { up, down, taps, table };
}

/** Byte offsets in the kernel's memory: results at 0, the filter table at 16, then pending input and output. */
const TABLE_AT = 16;

/**
 * Streaming resampler: push input blocks of any size, read back output blocks; the output is exactly
 * ceil(n * toRate / fromRate) samples for n input samples, aligned so input time 0 is output time 0.
 * Pending input and output live in the SIMD kernel's memory, so nothing is copied per output sample.
 */
export class Resampler {
  private readonly design: ResamplerDesign;
  private readonly kernel: ResampleKernel;
  private readonly step: number;
  private readonly stepRemainder: number;
  private readonly pendingAt: number;
  /** Pending input, in "padded" coordinates: pending[j + taps/2 - 1] is input sample j. */
  private pendingCapacity: number;
  private pendingLength: number;
  private outCapacity: number;
  /** Index into pending input of the first tap of the next output, and that output's phase. */
  private first = 0;
  private phase = 0;
  private inputCount = 0;
  private outputCount = 0;

  constructor(readonly fromRate: number, readonly toRate: number) {
    this.design = designResampler(fromRate, toRate);
    const { up, down, taps, table } = this.design;
    this.step = Math.floor(down / up);
    this.stepRemainder = down % up;
    this.pendingAt = TABLE_AT + Math.ceil((table.length * 4) / 16) * 16;
    this.pendingLength = taps / 2 - 1;
    this.pendingCapacity = roundUp4(Math.max(1 << 14, taps * 2));
    this.outCapacity = roundUp4(Math.ceil((this.pendingCapacity * up) / down) + 4);
    this.kernel = new ResampleKernel(this.outAt + this.outCapacity * 4);
    this.heap().set(table, TABLE_AT / 4);
  }

  /** Feed input; returns the output now computable (a view valid until the next call). */
  push(input: Float32Array): Float32Array {
    this.inputCount += input.length;
    this.append(input);
    return this.run(Infinity);
  }

  /** Signal end of input; returns the remaining output (a view valid until the next call). */
  flush(): Float32Array {
    const { up, down, taps } = this.design;
    const total = Math.ceil((this.inputCount * up) / down);
    this.append(new Float32Array(taps));
    return this.run(total - this.outputCount);
  }

  private get outAt(): number {
    return this.pendingAt + this.pendingCapacity * 4;
  }

  private heap(): Float32Array {
    return new Float32Array(this.kernel.memory.buffer);
  }

  private append(input: Float32Array): void {
    const base = this.pendingAt / 4;
    // Drop what no future output needs, then make room (the output area moves up; it holds nothing yet).
    if (this.first > 0) {
      this.heap().copyWithin(base, base + this.first, base + this.pendingLength);
      this.pendingLength -= this.first;
      this.first = 0;
    }
    const needed = this.pendingLength + input.length;
    if (needed > this.pendingCapacity) {
      this.pendingCapacity = roundUp4(Math.max(needed, this.pendingCapacity * 2));
      this.kernel.ensure(this.outAt + this.outCapacity * 4);
    }
    this.heap().set(input, base + this.pendingLength);
    this.pendingLength = needed;
  }

  private run(limit: number): Float32Array {
    const { up, down, taps } = this.design;
    // Outputs whose last tap is already here: first + taps <= pendingLength.
    const ready = Math.max(0, Math.floor(((this.pendingLength - taps - this.first) * up + (up - 1 - this.phase)) / down) + 1);
    const count = Math.min(ready, limit);
    if (count > this.outCapacity) {
      this.outCapacity = roundUp4(count);
      this.kernel.ensure(this.outAt + this.outCapacity * 4);
    }
    const next = this.kernel.run(this.pendingAt, TABLE_AT, this.outAt, count, this.first, this.phase, taps, up, this.step, this.stepRemainder);
    this.first = next.first;
    this.phase = next.phase;
    this.outputCount += count;
    return new Float32Array(this.kernel.memory.buffer, this.outAt, count);
  }
}

function roundUp4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Resample a whole signal at once (tests, benchmarks). Identical rates return a copy. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input.slice();
  const r = new Resampler(fromRate, toRate);
  const head = r.push(input);
  const out = new Float32Array(Math.ceil((input.length * toRate) / fromRate));
  out.set(head);
  out.set(r.flush(), head.length);
  return out;
}
