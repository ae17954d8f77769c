// Polyphase windowed-sinc resampler with a Kaiser window.
//
// Hand-written because it is the decode path's hot loop and no npm resampler is both alias-free and fast:
// libsamplerate-js SINC_BEST took 6.3 s for 144 s of audio, SINC_MEDIUM loses 5 dB at 11 kHz (see
// shared/notes/machine.md). This one runs any rational ratio from one table of L phases (L = toRate / gcd),
// so each output sample is one dot product of K taps, with no per-sample trigonometry.
//
// Design (f_N = Nyquist of the lower of the two rates, transition band TRANSITION * f_N wide, stopband
// attenuated by ATTENUATION_DB):
// - downsampling: the transition band ends at the output Nyquist, so no tone above it can alias back
//   (for 24 kHz output: nothing above 12 kHz leaks in, and the passband is flat within 0.1 dB to 10 kHz);
// - upsampling: the transition band is centred on the input Nyquist, so the image of a passband tone at
//   f (at f_in - f) falls in the stopband, and a 22.05 kHz input keeps its passband up to 10 kHz.
// Both properties are measured against the specification and against sox in test/unit/resample.test.ts.

const ATTENUATION_DB = 110;
const TRANSITION = 0.2;
/** A phase table beyond this many coefficients (64 MB) means a pathological ratio, e.g. 192001 -> 24000. */
const MAX_TABLE = 1 << 24;

export interface ResamplerDesign {
  /** Output samples per `down` input samples, in lowest terms. */
  up: number;
  down: number;
  /** Taps per phase (a multiple of 4 for the unrolled kernel). */
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
  // Kaiser's length estimate, in input samples, rounded up to a multiple of 4.
  const length = (ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * (transitionHz / fromRate));
  const taps = Math.ceil(length / 4) * 4;
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

/**
 * Streaming resampler: push input blocks of any size, read back output blocks; the output is exactly
 * ceil(n * toRate / fromRate) samples for n input samples, aligned so input time 0 is output time 0.
 */
export class Resampler {
  private readonly design: ResamplerDesign;
  private readonly step: number;
  private readonly stepRemainder: number;
  /** Pending input, in "padded" coordinates: padded[j + taps/2 - 1] is input sample j. */
  private pending: Float32Array;
  private pendingLength: number;
  /** Index into `pending` of the first tap of the next output, and that output's phase. */
  private first = 0;
  private phase = 0;
  private inputCount = 0;
  private outputCount = 0;
  private out = new Float32Array(0);

  constructor(readonly fromRate: number, readonly toRate: number) {
    this.design = designResampler(fromRate, toRate);
    this.step = Math.floor(this.design.down / this.design.up);
    this.stepRemainder = this.design.down % this.design.up;
    this.pendingLength = this.design.taps / 2 - 1;
    this.pending = new Float32Array(Math.max(1024, this.design.taps * 2));
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

  private append(input: Float32Array): void {
    // Drop what no future output needs, then grow if the new block does not fit.
    if (this.first > 0) {
      this.pending.copyWithin(0, this.first, this.pendingLength);
      this.pendingLength -= this.first;
      this.first = 0;
    }
    const needed = this.pendingLength + input.length;
    if (needed > this.pending.length) {
      const grown = new Float32Array(Math.max(needed, this.pending.length * 2));
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(input, this.pendingLength);
    this.pendingLength = needed;
  }

  private run(limit: number): Float32Array {
    const { up, taps, table } = this.design;
    const x = this.pending;
    // Outputs whose last tap is already here: first + taps <= pendingLength.
    const ready = Math.max(0, Math.floor(((this.pendingLength - taps - this.first) * up + (up - 1 - this.phase)) / this.design.down) + 1);
    const count = Math.min(ready, limit);
    if (this.out.length < count) this.out = new Float32Array(count);
    const y = this.out;
    const step = this.step;
    const rem = this.stepRemainder;
    let i = this.first;
    let p = this.phase;
    for (let n = 0; n < count; n++) {
      let o = p * taps;
      const end = o + taps;
      let j = i;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (; o < end; o += 4, j += 4) {
        s0 += table[o] * x[j];
        s1 += table[o + 1] * x[j + 1];
        s2 += table[o + 2] * x[j + 2];
        s3 += table[o + 3] * x[j + 3];
      }
      y[n] = s0 + s1 + s2 + s3;
      i += step;
      p += rem;
      if (p >= up) {
        p -= up;
        i++;
      }
    }
    this.first = i;
    this.phase = p;
    this.outputCount += count;
    return y.subarray(0, count);
  }
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
