// MP3, FLAC and Ogg Vorbis through the WASM decoders (mpg123, libFLAC, libvorbis), fed the file block by
// block so only one block of full-rate audio exists at a time. The packages are ESM-only: dynamic import.
//
// Truncation policy for compressed files: decoding fewer than MIN_DECODED (50%) of the seconds the
// container declares is TRUNCATED (declared lengths of compressed files are estimates, hence the loose
// bound); decoder errors are CORRUPT, or TRUNCATED when the audio also ended early. An Ogg file must end
// with its end-of-stream page: Ogg declares its length in the last page, so a cut file looks complete.

import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { HearError } from '../errors';
import { MonoSink } from './mono-sink';

const MIN_DECODED = 0.5;
const READ_BLOCK = 1 << 16;

export type NativeCodec = 'mp3' | 'flac' | 'ogg/vorbis';

interface DecodedBlock {
  channelData: Float32Array[];
  bitDepth?: number;
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

interface BlockDecoder {
  ready: Promise<void>;
  decode(data: Uint8Array): DecodedBlock | Promise<DecodedBlock>;
  flush?(): Promise<DecodedBlock>;
  free(): void;
}

export interface CodecDecodeOptions {
  file: string;
  /** Byte offset where the codec's data starts (after an ID3v2 tag). */
  start: number;
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

async function createDecoder(codec: NativeCodec): Promise<BlockDecoder> {
  if (codec === 'mp3') {
    const { MPEGDecoder } = await import('mpg123-decoder');
    return new MPEGDecoder({ enableGapless: true }); // trims the encoder delay and padding (LAME header)
  }
  if (codec === 'flac') {
    const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
    return new FLACDecoder();
  }
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  return new OggVorbisDecoder();
}

/** mpg123-decoder prints its errors to the console as well as returning them; keep only the returned ones. */
async function quietly<T>(run: () => T | Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => undefined;
  try {
    return await run();
  } finally {
    console.error = original;
  }
}

export async function decodeWithCodec(codec: NativeCodec, options: CodecDecodeOptions): Promise<DecodedCodec> {
  const { file } = options;
  const decoder = await createDecoder(codec);
  await decoder.ready;
  let sink: MonoSink | undefined;
  let channels = 0;
  const errors: string[] = [];
  const take = (block: DecodedBlock) => {
    for (const e of block.errors) errors.push(e.message);
    if (block.samplesDecoded === 0) return;
    if (!sink) {
      channels = block.channelData.length;
      sink = new MonoSink({
        file,
        fromRate: block.sampleRate,
        toRate: options.toRate,
        maxDurationSeconds: options.maxDurationSeconds,
        expectedFrames: options.declaredSeconds ? Math.ceil(options.declaredSeconds * block.sampleRate) : undefined,
      });
    } else if (block.sampleRate !== sink.sampleRate) {
      throw new HearError('UNSUPPORTED_FORMAT', `sample rate changes mid-stream (${sink.sampleRate} Hz, then ${block.sampleRate} Hz)`, file);
    }
    // The FLAC decoder scales integers by 1 / (2^(bits-1) - 1); WAV readers, sox and ffmpeg use
    // 1 / 2^(bits-1). Rescale so a FLAC and the WAV it came from give identical samples.
    const gain = codec === 'flac' && block.bitDepth ? (2 ** (block.bitDepth - 1) - 1) / 2 ** (block.bitDepth - 1) : 1;
    sink.pushPlanar(block.channelData, block.samplesDecoded, gain);
  };
  try {
    for await (const chunk of createReadStream(file, { start: options.start, highWaterMark: READ_BLOCK })) {
      take(await quietly(() => decoder.decode(chunk as Buffer)));
    }
    if (decoder.flush) take(await quietly(() => decoder.flush!()));
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

/** Refuse an Ogg file whose last page is cut off or is not marked end-of-stream. */
export async function checkOggEnd(handle: FileHandle, size: number, file: string): Promise<void> {
  const length = Math.min(size, 1 << 16);
  const tail = Buffer.alloc(length);
  await handle.read(tail, 0, length, size - length);
  // The last page must end exactly at the end of the file and carry the end-of-stream flag. "OggS" can
  // also occur inside page data, so try every occurrence from the end.
  let complete = false;
  for (let at = tail.lastIndexOf('OggS'); at >= 0 && !complete; at = at > 0 ? tail.lastIndexOf('OggS', at - 1) : -1) {
    if (at + 27 > length || at + 27 + tail[at + 26] > length) continue;
    const segments = tail[at + 26];
    let end = at + 27 + segments;
    for (let i = 0; i < segments; i++) end += tail[at + 27 + i];
    if (end === length) complete = (tail[at + 5] & 0x04) !== 0;
  }
  if (!complete) throw new HearError('TRUNCATED', 'Ogg stream is cut short: it does not end with a complete end-of-stream page', file);
}
