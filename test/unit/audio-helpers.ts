// Shared by the audio and resampler tests: run sox/ffmpeg (the independent references), measure tones,
// and build deliberately broken WAV files.

import { spawnSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  return spawnSync(name, ['-version'], { stdio: 'ignore' }).error === undefined;
}

export const HAVE_SOX = hasTool('sox');
export const HAVE_FFMPEG = hasTool('ffmpeg');

/** Run a tool and return its stdout; throw with its stderr when it fails. */
export function run(tool: string, args: string[], input?: Buffer): Buffer {
  const result = spawnSync(tool, args, { input, maxBuffer: 1 << 30 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr.toString()}`);
  return result.stdout;
}

/** Raw little-endian float32 bytes (sox `-t f32`, ffmpeg `-f f32le`) as samples. */
export function f32(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes.length - (bytes.length % 4));
  copy.set(bytes.subarray(0, copy.length));
  return new Float32Array(copy.buffer);
}

export function bytesOf(samples: Float32Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** sox's own `rate -v` resampling of mono float samples: the reference for ours. */
export function soxResample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  return f32(run('sox', ['-t', 'f32', '-r', String(fromRate), '-c', '1', '-', '-t', 'f32', '-r', String(toRate), '-', 'rate', '-v'], bytesOf(samples)));
}

/** Mean of interleaved channels. */
export function downmix(interleaved: Float32Array, channels: number): Float32Array {
  const frames = interleaved.length / channels;
  const mono = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c];
    mono[i] = sum / channels;
  }
  return mono;
}

export function sine(frequency: number, rate: number, frames: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate);
  return out;
}

/** Least-squares amplitude of a sinusoid of known frequency in x[from..to), and the residual's RMS. */
export function fitTone(x: Float32Array, frequency: number, rate: number, from = 0, to = x.length): { amplitude: number; residualRms: number } {
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * frequency * i) / rate;
    const s = Math.sin(w), c = Math.cos(w);
    ss += s * s; cc += c * c; sc += s * c; xs += x[i] * s; xc += x[i] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  let residual = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * frequency * i) / rate;
    residual += (x[i] - a * Math.sin(w) - b * Math.cos(w)) ** 2;
  }
  return { amplitude: Math.hypot(a, b), residualRms: Math.sqrt(residual / (to - from)) };
}

export function rms(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / (to - from));
}

export const dB = (ratio: number) => 20 * Math.log10(ratio);

/** Signal-to-difference ratio of `test` against `reference` over [from, to), in dB. */
export function snrDb(reference: Float32Array, test: Float32Array, from: number, to: number): number {
  let signal = 0, noise = 0;
  for (let i = from; i < to; i++) {
    signal += reference[i] ** 2;
    noise += (reference[i] - test[i]) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

export function correlation(a: Float32Array, b: Float32Array, length = Math.min(a.length, b.length)): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

export interface WavHeader {
  formatTag?: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** What the data chunk's size field says (defaults to the real size). */
  declaredDataBytes?: number;
}

/** A canonical 44-byte-header WAV around `data`, with whatever (possibly false) header fields are asked for. */
export function wavFile(header: WavHeader, data: Buffer): Buffer {
  const { channels, sampleRate, bitsPerSample } = header;
  const blockAlign = (channels * bitsPerSample) / 8;
  const out = Buffer.alloc(44);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(Math.min(0xffffffff, 36 + (header.declaredDataBytes ?? data.length)), 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(header.formatTag ?? 1, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * blockAlign, 28);
  out.writeUInt16LE(blockAlign, 32);
  out.writeUInt16LE(bitsPerSample, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(header.declaredDataBytes ?? data.length, 40);
  return Buffer.concat([out, data]);
}
