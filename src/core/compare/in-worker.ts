// compareScores on a worker thread: 10,000 bootstrap resamples over thousands of songs take seconds
// (measured: 1.1 s for 1,000 paired songs, 4.4 s for 5,000), which must not block the caller's event
// loop (the extension host, a progress bar).

import { causeOf, HearError, type HearErrorCode } from '../errors';
import type { ScoredSong } from '../labels';
import { WorkerPool } from '../worker-pool';
import { scriptWorker } from '../worker-script';
import type { CompareOptions, Comparison } from './compare';

export interface CompareRequest {
  a: ScoredSong[];
  b: ScoredSong[];
  options: CompareOptions;
}

export type CompareReply =
  | { ok: true; comparison: Comparison }
  /** `message` is the error's whole message; a HearError's code and file come with it. */
  | { ok: false; message: string; code?: HearErrorCode; file?: string };

let pool: WorkerPool | undefined;

/** compareScores(a, b, options), computed on a worker thread; rejects with the same errors. */
export async function compareScoresInWorker(a: ScoredSong[], b: ScoredSong[], options: CompareOptions = {}): Promise<Comparison> {
  pool ??= new WorkerPool(() => scriptWorker(__dirname, 'compare-worker'), 1);
  const request: CompareRequest = { a, b, options };
  const reply = await pool.run<CompareReply>(request);
  if (reply.ok) return reply.comparison;
  if (!reply.code) throw new Error(reply.message);
  throw new HearError(reply.code, causeOf(reply.message, reply.file), reply.file);
}

/** Terminate the comparison worker (extension deactivate, tests); the next comparison starts a new one. */
export async function disposeCompareWorker(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.dispose();
}
