// loadAudio: decode + downmix + resample in a pool of worker threads, so the caller's event loop (the
// extension host, the CLI's progress bar) never blocks on audio work.

import { availableParallelism } from 'node:os';
import { HearError } from '../errors';
import type { AudioInfo } from '../types';
import { scriptWorker } from '../worker-script';
import { WorkerCancelledError, WorkerPool } from '../worker-pool';
import type { DecodeReply, DecodeRequest } from './protocol';

export interface LoadAudioOptions {
  /** Target rate (the bundle's), e.g. 24000. */
  sampleRate: number;
  /** Cancels decoding: the promise rejects with HearError 'CANCELLED'. */
  signal?: AbortSignal;
  /** Longer audio is refused with 'TOO_LARGE'. Default 3600. */
  maxDurationSeconds?: number;
}

export interface LoadedAudio {
  /** Mono (mean of the channels) at options.sampleRate. */
  samples: Float32Array;
  /** durationSeconds is the decoded duration, at the file's own rate. */
  info: AudioInfo;
}

export const DEFAULT_MAX_DURATION_SECONDS = 3600;

/**
 * The worker keeps almost nothing alive, yet its young generation holds 8 MB after start-up and 16 MB once
 * the FLAC parser's per-frame objects have passed through, pages V8 keeps while the song is scored. Capped
 * at 2 MB, a 10-minute FLAC leaves about 10 MB less in the worker, and decoding is no slower.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 };

let pool: WorkerPool | undefined;

function audioPool(): WorkerPool {
  pool ??= new WorkerPool(() => scriptWorker(__dirname, 'audio-worker', { resourceLimits: WORKER_LIMITS }), availableParallelism());
  return pool;
}

/** Decode `file` to mono samples at options.sampleRate, in a worker thread. */
export async function loadAudio(file: string, options: LoadAudioOptions): Promise<LoadedAudio> {
  const { sampleRate, signal } = options;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`loadAudio: sampleRate must be a positive integer, got ${sampleRate}`);
  }
  const request: DecodeRequest = { file, sampleRate, maxDurationSeconds: options.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS };
  let reply: DecodeReply;
  try {
    reply = await audioPool().run<DecodeReply>(request, { signal });
  } catch (err) {
    if (err instanceof WorkerCancelledError) throw new HearError('CANCELLED', 'decoding was cancelled', file, { cause: err });
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') throw new HearError('TOO_LARGE', 'ran out of memory while decoding', file, { cause: err });
    throw new HearError('CORRUPT', `the audio worker decoding it crashed: ${e?.message ?? String(err)}`, file, { cause: err });
  }
  if (!reply.ok) throw new HearError(reply.code, reply.message, reply.file);
  return { samples: reply.samples, info: reply.info };
}

/** Terminate the audio workers (extension deactivate, CLI exit); a later loadAudio starts new ones. */
export async function disposeAudioWorkers(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.dispose();
}
