// WAV / RF64 reader, hand-written: the format is a few chunk headers, and reading it ourselves lets us
// check a header's claims against the file before allocating anything, and convert + downmix in one pass.
//
// Truncation policy: a data chunk longer than the bytes actually in the file is decoded as far as it goes
// when at least MIN_PRESENT (90%) of it is there (a writer that died while finishing the file), and is
// refused as TRUNCATED otherwise (which also covers headers that claim terabytes). A data size of
// 0xFFFFFFFF (ffmpeg writing to a pipe) or 0 (never filled in) means "up to the end of the stream".

import { HearError } from '../errors';
import type { ByteSource } from './byte-reader';
import { MonoSink } from './mono-sink';

const MIN_PRESENT = 0.9;
const UNKNOWN_SIZE = 0xffffffff;
const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** fmt and ds64 bodies are tiny; a bigger one is a broken header, not something to buffer. */
const MAX_HEADER_CHUNK = 1 << 16;
const BLOCK_FRAMES = 1 << 16;

export interface WavFormat {
  float: boolean;
  /** Bytes per sample in the container (1, 2, 3, 4 or 8). */
  bytes: number;
  /** Significant bits (e.g. 20 in a 24-bit container). */
  bits: number;
  channels: number;
  sampleRate: number;
  /** ffmpeg-style codec name, e.g. "pcm_s16le". */
  codec: string;
}

export interface WavDecodeOptions {
  file: string;
  /** Bytes in the file, when reading a file (not a pipe): lets us check the header's sizes. */
  fileSize?: number;
  toRate: number;
  maxDurationSeconds: number;
}

export interface DecodedWav {
  samples: Float32Array;
  frames: number;
  format: WavFormat;
}

function parseFmt(body: Buffer, file: string): WavFormat {
  if (body.length < 16) throw new HearError('CORRUPT', `WAV fmt chunk is ${body.length} bytes, expected at least 16`, file);
  let tag = body.readUInt16LE(0);
  const channels = body.readUInt16LE(2);
  const sampleRate = body.readUInt32LE(4);
  const blockAlign = body.readUInt16LE(12);
  let bits = body.readUInt16LE(14);
  if (tag === FORMAT_EXTENSIBLE) {
    if (body.length < 40) throw new HearError('CORRUPT', 'WAVE_FORMAT_EXTENSIBLE fmt chunk is too short', file);
    const validBits = body.readUInt16LE(18);
    if (validBits > 0 && validBits <= bits) bits = validBits;
    tag = body.readUInt16LE(24); // the sub-format GUID starts with the plain format tag
  }
  if (channels === 0) throw new HearError('CORRUPT', 'WAV header declares zero channels', file);
  if (sampleRate === 0) throw new HearError('CORRUPT', 'WAV header declares a sample rate of 0 Hz', file);
  const bytes = blockAlign > 0 && blockAlign % channels === 0 ? blockAlign / channels : Math.ceil(bits / 8);
  const float = tag === FORMAT_FLOAT;
  const supported = tag === FORMAT_PCM ? bytes >= 1 && bytes <= 4 : float && (bytes === 4 || bytes === 8);
  if (!supported) {
    throw new HearError('UNSUPPORTED_FORMAT', `WAV encoding 0x${tag.toString(16)} with ${bytes * 8}-bit samples is not supported (PCM 8/16/24/32-bit and float 32/64-bit are)`, file);
  }
  const codec = float ? `pcm_f${bytes * 8}le` : bytes === 1 ? 'pcm_u8' : `pcm_s${bytes * 8}le`;
  return { float, bytes, bits, channels, sampleRate, codec };
}

/** Convert interleaved frames to mono floats (mean of channels) in one pass. */
function mixFrames(data: Buffer, frames: number, f: WavFormat, out: Float32Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const { channels, bytes } = f;
  const scale = 1 / channels;
  let at = 0;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += bytes) {
      if (f.float) sum += bytes === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
      else if (bytes === 2) sum += view.getInt16(at, true) / 32768;
      else if (bytes === 3) sum += ((view.getUint8(at + 2) << 24) | (view.getUint8(at + 1) << 16) | (view.getUint8(at) << 8)) / 2147483648;
      else if (bytes === 4) sum += view.getInt32(at, true) / 2147483648;
      else sum += (view.getUint8(at) - 128) / 128;
    }
    out[i] = sum * scale;
  }
}

export async function decodeWav(reader: ByteSource, options: WavDecodeOptions): Promise<DecodedWav> {
  const { file, fileSize } = options;
  const riff = await reader.read(12);
  if (riff.length < 12) throw new HearError('TRUNCATED', `WAV header is cut short (${riff.length} bytes)`, file);
  const kind = riff.toString('latin1', 0, 4);
  if (kind === 'RIFX') throw new HearError('UNSUPPORTED_FORMAT', 'big-endian (RIFX) WAV is not supported', file);
  const rf64 = kind === 'RF64' || kind === 'BW64';
  let dataSize64: number | undefined;
  let format: WavFormat | undefined;
  let dataSize: number;
  for (;;) {
    const head = await reader.read(8);
    if (head.length < 8) {
      throw new HearError(format ? 'TRUNCATED' : 'CORRUPT', format ? 'WAV file ends before its data chunk' : 'WAV file has no fmt chunk', file);
    }
    const id = head.toString('latin1', 0, 4);
    const size = head.readUInt32LE(4);
    if (id === 'data') {
      dataSize = size;
      break;
    }
    if (id === 'fmt ' || id === 'ds64') {
      if (size > MAX_HEADER_CHUNK) throw new HearError('CORRUPT', `WAV ${id.trim()} chunk claims ${size} bytes`, file);
      const body = await reader.read(size + (size & 1));
      if (body.length < size) throw new HearError('TRUNCATED', `WAV ${id.trim()} chunk is cut short`, file);
      if (id === 'fmt ') format = parseFmt(body, file);
      else if (size >= 16) dataSize64 = Number(body.readBigUInt64LE(8));
    } else {
      const skipped = await reader.skip(size + (size & 1));
      if (skipped < size) throw new HearError('TRUNCATED', `WAV file ends inside its "${id}" chunk, before any audio data`, file);
    }
  }
  if (!format) throw new HearError('CORRUPT', 'WAV data chunk comes before any fmt chunk', file);
  const frameBytes = format.bytes * format.channels;

  // How many bytes of audio to read: the declared size, checked against what the file holds.
  let declared = rf64 && dataSize === UNKNOWN_SIZE && dataSize64 !== undefined ? dataSize64 : dataSize;
  // 0xFFFFFFFF outside RF64, or 0 (a writer that never came back to fill in the size): read to the end.
  if ((!rf64 && dataSize === UNKNOWN_SIZE) || dataSize === 0) declared = Infinity;
  let readBytes = declared;
  if (fileSize !== undefined) {
    const present = fileSize - reader.position;
    if (Number.isFinite(declared) && present < declared) {
      if (present < MIN_PRESENT * declared) {
        const seconds = (n: number) => (n / frameBytes / format.sampleRate).toFixed(1);
        throw new HearError('TRUNCATED', `WAV data chunk declares ${declared} bytes (${seconds(declared)} s) but the file holds only ${present} (${seconds(present)} s, ${((100 * present) / declared).toFixed(1)}%)`, file);
      }
    }
    readBytes = Math.min(declared, present);
  }
  if (Number.isFinite(readBytes)) {
    const seconds = readBytes / frameBytes / format.sampleRate;
    if (seconds > options.maxDurationSeconds) {
      throw new HearError('TOO_LARGE', `${(seconds / 60).toFixed(1)} minutes of audio, longer than the ${options.maxDurationSeconds} s limit`, file);
    }
  }

  const sink = new MonoSink({
    file,
    fromRate: format.sampleRate,
    toRate: options.toRate,
    maxDurationSeconds: options.maxDurationSeconds,
    expectedFrames: Number.isFinite(readBytes) ? Math.floor(readBytes / frameBytes) : undefined,
  });
  let left = readBytes;
  while (left >= frameBytes) {
    const want = Math.min(left, BLOCK_FRAMES * frameBytes);
    const block = await reader.read(want);
    const frames = Math.floor(block.length / frameBytes);
    if (frames > 0) {
      const mono = sink.scratch(frames);
      mixFrames(block, frames, format, mono);
      sink.pushMono(mono);
    }
    left -= block.length;
    if (block.length < want) break; // end of the stream
  }
  return { samples: sink.finish(), frames: sink.frames, format };
}
