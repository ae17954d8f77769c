// Everything without a built-in decoder (AAC/m4a, Opus, WebM, AIFF, WMA, ADPCM WAV...) goes through a
// system ffmpeg when one is on PATH. ffmpeg writes 32-bit float WAV to a pipe at the file's own rate and
// channel count: the WAV header tells us both, and the same WAV reader then downmixes and resamples with
// our resampler, so every format gets identical treatment after decoding.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { HearError } from '../errors';
import { ByteReader } from './byte-reader';
import { NO_CONTAINER } from './sniff';
import { decodeWav, type DecodedWav } from './wav';

/** Absolute path of ffmpeg on PATH, or undefined. Looked up per call: PATH may change. */
export function findFfmpeg(): string | undefined {
  const names = process.platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

export function noDecoderError(file: string, what: string): HearError {
  return new HearError(
    'NO_DECODER',
    `${what} needs ffmpeg, which is not on PATH: install ffmpeg (https://ffmpeg.org/download.html) or convert the file to WAV, MP3, FLAC or Ogg Vorbis`,
    file,
  );
}

export interface FfmpegDecodeOptions {
  file: string;
  toRate: number;
  maxDurationSeconds: number;
  /** What sniffing found, for messages; "unknown" when the bytes matched no known container. */
  container: string;
}

export async function decodeWithFfmpeg(ffmpeg: string, options: FfmpegDecodeOptions): Promise<DecodedWav> {
  const { file } = options;
  const child = spawn(
    ffmpeg,
    ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', path.resolve(file), '-map', '0:a:0', '-vn', '-c:a', 'pcm_f32le', '-f', 'wav', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      stderr += `\n${err.message}`;
      resolve(-1);
    });
    child.once('close', resolve);
  });
  const failure = (code: number | null): HearError => {
    // ffmpeg prefixes its complaint with the input path; the HearError names the file already.
    const last = stderr.trim().split('\n').pop()?.replace(`${path.resolve(file)}: `, '').trim() || `exit code ${code}`;
    if (options.container === 'unknown') {
      // ffmpeg's own words for bytes it cannot place ("Invalid argument") do not say what is wrong.
      return new HearError('UNSUPPORTED_FORMAT', `${NO_CONTAINER}, and ffmpeg could not read it either (${last})`, file);
    }
    const unrecognised = /Invalid data found|matches no streams/.test(stderr);
    return new HearError(unrecognised ? 'UNSUPPORTED_FORMAT' : 'CORRUPT', `ffmpeg could not decode it: ${last}`, file);
  };
  let decoded: DecodedWav;
  try {
    decoded = await decodeWav(new ByteReader(child.stdout), { file, toRate: options.toRate, maxDurationSeconds: options.maxDurationSeconds });
  } catch (err) {
    if (child.exitCode === null) child.kill();
    const code = await exited;
    // When ffmpeg itself failed, its message is the cause; what the WAV reader saw is a consequence.
    // (code null: we killed it because the reader refused the audio.)
    if (code !== 0 && code !== null) throw failure(code);
    throw err;
  }
  const code = await exited;
  if (code !== 0) throw failure(code);
  return decoded;
}
