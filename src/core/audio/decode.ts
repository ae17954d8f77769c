// One file in, mono samples at the target rate out: check the file, sniff its container, pick a decoder,
// and describe what was decoded. Runs inside an audio worker (see pool.ts), never on the caller's loop.

import { open } from 'node:fs/promises';
import { HearError, asHearError } from '../errors';
import type { AudioInfo } from '../types';
import { FileByteReader } from './byte-reader';
import { checkDecodedLength, checkOggEnd, decodeWithCodec } from './codecs';
import { decodeWithFfmpeg, findFfmpeg, noDecoderError } from './ffmpeg';
import { checkRegularFile, readContainerFacts, type ContainerFacts } from './metadata';
import { NO_CONTAINER, SNIFF_BYTES, id3v2Size, sniffContainer, vorbisSampleRate, type Container } from './sniff';
import type { NativeCodec } from './wasm-decoders';
import { decodeWav } from './wav';

export interface DecodeRequest {
  file: string;
  sampleRate: number;
  maxDurationSeconds: number;
}

export interface DecodedAudio {
  samples: Float32Array;
  info: AudioInfo;
}

const NATIVE: Partial<Record<Container, NativeCodec>> = { mp3: 'mp3', flac: 'flac', 'ogg/vorbis': 'ogg/vorbis' };

const FFMPEG_NAMES: Partial<Record<Container, string>> = {
  'ogg/opus': 'Opus audio',
  'ogg/flac': 'FLAC in Ogg',
  ogg: 'this Ogg stream',
  mp4: 'MP4/M4A audio (AAC, ALAC)',
  matroska: 'Matroska/WebM audio',
  aiff: 'AIFF audio',
  asf: 'WMA/ASF audio',
  aac: 'raw AAC (ADTS) audio',
};

/**
 * The file's container, from its first bytes (after an ID3v2 tag, which MP3 and FLAC files may carry), and
 * for Ogg Vorbis the length its last page declares (granule position / rate, the number music-metadata
 * gives, but only for files that end within 13 pages, about 10 s): without it a long Ogg file was neither
 * refused before decoding when too long nor checked for truncation. Measured on 70 files (ffmpeg's two
 * Vorbis encoders and sox; 0.7 to 600 s; 8 to 96 kHz; 1, 2 and 6 channels): 69 decode to exactly that
 * many samples (the decoder trims the end to it; Vorbis has no pre-skip), one cut by ffmpeg's stream copy
 * to 1.4% more. Never fewer, so the truncation bounds need no extra tolerance for Ogg.
 */
async function sniffFile(file: string, size: number): Promise<{ container: Container; dataStart: number; oggSeconds?: number }> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    await handle.read(head, 0, head.length, 0);
    const dataStart = Math.min(id3v2Size(head), size);
    let body = head;
    if (dataStart > 0) {
      body = Buffer.alloc(Math.min(size - dataStart, SNIFF_BYTES));
      await handle.read(body, 0, body.length, dataStart);
    }
    const container = sniffContainer(body);
    if (container !== 'ogg/vorbis') return { container, dataStart };
    const frames = await checkOggEnd(handle, size, file);
    const rate = vorbisSampleRate(body);
    return { container, dataStart, oggSeconds: frames && rate ? frames / rate : undefined };
  } finally {
    await handle.close();
  }
}

export async function decodeFile(request: DecodeRequest): Promise<DecodedAudio> {
  const { file, sampleRate: toRate, maxDurationSeconds } = request;
  try {
    const size = await checkRegularFile(file);
    const { container, dataStart, oggSeconds } = await sniffFile(file, size);
    // Container facts give tags, bitrate and the declared duration; decoding does not depend on them.
    const facts: ContainerFacts = await readContainerFacts(file).catch(() => ({ tags: {} }));
    const declared = facts.durationSeconds ?? oggSeconds;
    if (declared !== undefined && declared > maxDurationSeconds * 1.01 && container !== 'wav') {
      throw new HearError('TOO_LARGE', `${(declared / 60).toFixed(1)} minutes of audio, longer than the ${maxDurationSeconds} s limit`, file);
    }
    const base = { bitrate: facts.bitrate, tags: facts.tags };

    if (container === 'wav') {
      const reader = await FileByteReader.open(file);
      try {
        const wav = await decodeWav(reader, { file, fileSize: size, toRate, maxDurationSeconds });
        const { format } = wav;
        return {
          samples: wav.samples,
          info: {
            ...base,
            durationSeconds: wav.frames / format.sampleRate,
            format: `wav/${format.codec}`,
            sampleRate: format.sampleRate,
            channels: format.channels,
            bitrate: format.sampleRate * format.channels * format.bytes * 8,
            bitsPerSample: format.bits,
            decoder: 'built-in WAV reader',
          },
        };
      } catch (err) {
        // Compressed WAV (ADPCM, mu-law, GSM...): ffmpeg can still read it.
        const ffmpeg = findFfmpeg();
        if (!(err instanceof HearError && err.code === 'UNSUPPORTED_FORMAT' && ffmpeg)) throw err;
      } finally {
        await reader.close();
      }
    }

    const codec = NATIVE[container];
    if (codec) {
      const reader = await FileByteReader.open(file);
      let decoded;
      try {
        await reader.skip(dataStart);
        decoded = await decodeWithCodec(codec, reader, { file, toRate, maxDurationSeconds, declaredSeconds: declared });
      } finally {
        await reader.close();
      }
      return {
        samples: decoded.samples,
        info: {
          ...base,
          durationSeconds: decoded.frames / decoded.sampleRate,
          format: container,
          sampleRate: decoded.sampleRate,
          // mpg123 always returns two channels; the container knows how many there really are.
          channels: facts.channels ?? decoded.channels,
          bitsPerSample: facts.bitsPerSample,
          decoder: codec === 'mp3' ? 'mpg123-decoder (gapless)' : codec === 'flac' ? '@wasm-audio-decoders/flac' : '@wasm-audio-decoders/ogg-vorbis',
        },
      };
    }

    const ffmpeg = findFfmpeg();
    if (!ffmpeg) {
      if (container === 'unknown') {
        throw new HearError('UNSUPPORTED_FORMAT', `${NO_CONTAINER}, and there is no ffmpeg on PATH to try`, file);
      }
      throw noDecoderError(file, FFMPEG_NAMES[container] ?? container);
    }
    const decoded = await decodeWithFfmpeg(ffmpeg, { file, toRate, maxDurationSeconds, container });
    checkDecodedLength(decoded.frames / decoded.format.sampleRate, declared, file);
    return {
      samples: decoded.samples,
      info: {
        ...base,
        durationSeconds: decoded.frames / decoded.format.sampleRate,
        format: container.includes('/') || !facts.format ? container : `${container}/${facts.format.split('/').pop()}`,
        sampleRate: decoded.format.sampleRate,
        channels: decoded.format.channels,
        bitsPerSample: facts.bitsPerSample,
        decoder: `ffmpeg (${ffmpeg})`,
      },
    };
  } catch (err) {
    throw asHearError(err, file);
  }
}
