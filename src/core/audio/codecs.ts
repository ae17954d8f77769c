// MP3, FLAC and Ogg Vorbis through the WASM decoders (wasm-decoders.ts), fed the file block by block so
// only one block of full-rate audio exists at a time.
//
// Truncation policy for compressed files: decoding fewer than MIN_DECODED (50%) of the seconds the
// container declares is TRUNCATED (declared lengths of compressed files are estimates, hence the loose
// bound); decoder errors are CORRUPT, or TRUNCATED when the audio also ended early. An Ogg file must end
// with its end-of-stream page: Ogg declares its length in the last page, so a cut file looks complete.

import type { FileHandle } from 'node:fs/promises';
import { HearError } from '../errors';
import type { ByteSource } from './byte-reader';
import { MonoSink } from './mono-sink';
import { createDecoder, type NativeCodec, type PcmSink } from './wasm-decoders';

const MIN_DECODED = 0.5;
const READ_BLOCK = 1 << 16;

export interface CodecDecodeOptions {
  file: string;
  toRate: number;
  maxDurationSeconds: number;
  declaredSeconds?: number;
}

export interface DecodedCodec {
  samples: Float32Array;
  frames: number;
  sampleRate: number;
  channels: number;
}

/** Decode `source` from its position (where the codec's data starts, after an ID3v2 tag). */
export async function decodeWithCodec(codec: NativeCodec, source: ByteSource, options: CodecDecodeOptions): Promise<DecodedCodec> {
  const { file } = options;
  const decoder = await createDecoder(codec);
  let sink: MonoSink | undefined;
  let channels = 0;
  const errors: string[] = [];
  const take: PcmSink = (planar, frames, sampleRate, gain) => {
    if (!sink) {
      channels = planar.length;
      sink = new MonoSink({
        file,
        fromRate: sampleRate,
        toRate: options.toRate,
        maxDurationSeconds: options.maxDurationSeconds,
        expectedFrames: options.declaredSeconds ? Math.ceil(options.declaredSeconds * sampleRate) : undefined,
      });
    } else if (sampleRate !== sink.sampleRate) {
      throw new HearError('UNSUPPORTED_FORMAT', `sample rate changes mid-stream (${sink.sampleRate} Hz, then ${sampleRate} Hz)`, file);
    }
    sink.pushPlanar(planar, frames, gain);
  };
  try {
    // One reusable buffer, not a read stream's fresh chunks (more garbage): the decoders copy each block.
    for (let block = await source.read(READ_BLOCK); block.length > 0; block = await source.read(READ_BLOCK)) {
      errors.push(...(await decoder.decode(block, take)));
    }
    errors.push(...(await decoder.flush(take)));
  } finally {
    decoder.free();
  }
  const decoded = sink?.seconds ?? 0;
  if (errors.length > 0) {
    const cause = `the ${codec} decoder reported ${errors.length} error(s), first: ${errors[0]}`;
    const declared = options.declaredSeconds;
    if (declared !== undefined && decoded < 0.99 * declared) {
      throw new HearError('TRUNCATED', `${cause}; ${describeLength(decoded, declared)}`, file);
    }
    throw new HearError('CORRUPT', cause, file);
  }
  checkDecodedLength(decoded, options.declaredSeconds, file);
  if (!sink) throw new HearError('CORRUPT', `the ${codec} decoder found no audio in it`, file);
  return { samples: sink.finish(), frames: sink.frames, sampleRate: sink.sampleRate, channels };
}

function describeLength(decoded: number, declared: number): string {
  return `decoded ${decoded.toFixed(2)} s of the ${declared.toFixed(2)} s its header declares`;
}

/** TRUNCATED when less than half of what the container declares came out of the decoder. */
export function checkDecodedLength(decodedSeconds: number, declaredSeconds: number | undefined, file: string): void {
  if (declaredSeconds !== undefined && decodedSeconds < MIN_DECODED * declaredSeconds) {
    throw new HearError('TRUNCATED', `file is cut short: ${describeLength(decodedSeconds, declaredSeconds)}`, file);
  }
}

/**
 * Refuse an Ogg file whose last page is cut off or is not marked end-of-stream. Returns that page's granule
 * position when it has one: for Vorbis, the stream's length in samples at its own rate.
 */
export async function checkOggEnd(handle: FileHandle, size: number, file: string): Promise<number | undefined> {
  const length = Math.min(size, 1 << 16);
  const tail = Buffer.alloc(length);
  await handle.read(tail, 0, length, size - length);
  // The last page must end exactly at the end of the file and carry the end-of-stream flag. "OggS" can
  // also occur inside page data, so try every occurrence from the end.
  let complete = false;
  let granule = -1n;
  for (let at = tail.lastIndexOf('OggS'); at >= 0 && !complete; at = at > 0 ? tail.lastIndexOf('OggS', at - 1) : -1) {
    if (at + 27 > length || at + 27 + tail[at + 26] > length) continue;
    const segments = tail[at + 26];
    let end = at + 27 + segments;
    for (let i = 0; i < segments; i++) end += tail[at + 27 + i];
    if (end === length) complete = (tail[at + 5] & 0x04) !== 0;
    if (complete) granule = tail.readBigInt64LE(at + 6);
  }
  if (!complete) throw new HearError('TRUNCATED', 'Ogg stream is cut short: it does not end with a complete end-of-stream page', file);
  return granule > 0n ? Number(granule) : undefined;
}
