// Inference workers for the engine: started on demand up to a size, one song per worker at a
// time (each with its own sessions, so `--jobs 2` runs two graphs truly in parallel on the CPU; a GPU
// provider gets one worker, see concurrentSongs). Not the shared WorkerPool (worker-pool.ts): a song
// here reports progress as it goes, and cancelling must keep the worker and its loaded sessions
// (seconds to rebuild for a large bundle), so the worker stops at its next graph boundary instead of
// being terminated. Idle workers are unref'd so they never keep a process alive.
import type { Worker } from 'node:worker_threads';
import { causeOf, HearError } from '../errors';
import type { Log } from '../log';
import type { PipelineInput, PipelinePlan, PipelineResult } from '../pipeline';
import type { ProviderReport } from '../types';
import { scriptWorker } from '../worker-script';
import type { JobMessage, WorkerReply, WorkerSetup } from './protocol';
import { concurrentSongs } from './providers';

interface Job {
  message: JobMessage;
  transfer: ArrayBuffer[];
  resolve: (r: PipelineResult) => void;
  reject: (e: Error) => void;
  onProgress?: (fraction: number, stage: 'sources' | 'head' | 'segments') => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  /** Stops the worker once it has been idle for a while. */
  idle?: NodeJS.Timeout;
}

/**
 * An idle worker is stopped after this long. The head keeps ONNX Runtime's memory arena (7x faster
 * on a 3-minute song, measured before its attention was fused), which holds the largest song's working set until its session goes (a
 * 10-minute song with the fixture bundle: the engine's process stays 90 MB above its start after
 * the song, 270 MB in all; a full-size head holds more): stopping idle workers hands that memory
 * back, at the price of reloading the graphs for the next song.
 */
const IDLE_RELEASE_MS = 60_000;

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: 'sources' | 'head' | 'segments') => void;
}

export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private size = 1;
  private report: ProviderReport | undefined;

  constructor(private readonly setup: WorkerSetup, private readonly log: Log) {}

  /** At most `n` songs run at once (one worker each). Growing starts workers when work arrives. */
  resize(n: number): void {
    this.size = Math.max(1, Math.floor(n));
  }

  providerReport(): ProviderReport | undefined {
    return this.report;
  }

  /**
   * Score one song's waveform or features in a worker. The input's buffer is transferred, not
   * copied: the caller must not use it afterwards.
   */
  run(file: string, plan: PipelinePlan, input: PipelineInput, options: RunOptions = {}): Promise<PipelineResult> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new HearError('CANCELLED', 'scoring was cancelled', file));
    const buffer = input.kind === 'waveform' ? input.samples.buffer : input.features.data.buffer;
    const cancel = new SharedArrayBuffer(4);
    return new Promise<PipelineResult>((resolve, reject) => {
      const abort = (): void => {
        // The worker stops at its next graph boundary; the caller hears now.
        Atomics.store(new Int32Array(cancel), 0, 1);
        const queued = this.queue.indexOf(job);
        if (queued >= 0) this.queue.splice(queued, 1);
        reject(new HearError('CANCELLED', 'scoring was cancelled', file));
      };
      const job: Job = {
        message: { type: 'job', id: this.nextId++, file, plan, input, cancel },
        transfer: buffer instanceof ArrayBuffer ? [buffer] : [],
        resolve: (r) => {
          signal?.removeEventListener('abort', abort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', abort);
          reject(e);
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Reject queued songs, let each worker release its sessions (2 s at most), then stop the workers. */
  async dispose(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const job of this.queue.splice(0)) job.reject(new HearError('CANCELLED', 'the engine was disposed', job.message.file));
    await Promise.all(slots.map((slot) => this.stop(slot)));
  }

  private async stop(slot: Slot): Promise<void> {
    clearTimeout(slot.idle);
    slot.job?.reject(new HearError('CANCELLED', 'the engine was disposed', slot.job.message.file));
    slot.worker.ref();
    const released = new Promise<void>((resolve) => {
      slot.worker.on('message', (reply: WorkerReply) => reply.type === 'disposed' && resolve());
      setTimeout(resolve, 2000).unref();
    });
    slot.worker.postMessage({ type: 'dispose' });
    await released;
    await slot.worker.terminate();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < concurrentSongs(this.size, this.setup.provider, this.report)) slot = this.start();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      clearTimeout(slot.idle);
      slot.worker.ref();
      slot.worker.postMessage(job.message, job.transfer);
    }
  }

  private start(): Slot {
    const worker = scriptWorker(__dirname, 'inference-worker', { workerData: this.setup });
    const slot: Slot = { worker, job: undefined };
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    const lost = (why: string): void => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      const job = slot.job;
      slot.job = undefined;
      this.log('error', `inference worker stopped: ${why}`);
      job?.reject(new HearError('INFERENCE', `the inference worker stopped (${why})`, job.message.file));
      this.pump();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const job = slot.job;
    if (!job || reply.type === 'disposed' || job.message.id !== reply.id) return;
    if (reply.type === 'progress') {
      job.onProgress?.(reply.fraction, reply.stage);
      return;
    }
    if (reply.report && !this.report && this.size > 1 && concurrentSongs(this.size, this.setup.provider, reply.report) === 1) {
      this.log('info', `${reply.report.active} runs one song at a time; the other jobs decode the next songs`);
    }
    if (reply.report) this.report = reply.report;
    slot.job = undefined;
    slot.worker.unref();
    slot.idle = setTimeout(() => {
      const index = this.slots.indexOf(slot);
      if (index < 0 || slot.job) return;
      this.slots.splice(index, 1);
      void this.stop(slot);
    }, IDLE_RELEASE_MS).unref();
    if (reply.type === 'done') job.resolve(reply.result);
    else job.reject(new HearError(reply.error.code ?? 'INFERENCE', causeOf(reply.error.message, reply.error.file), reply.error.file));
    this.pump();
  }
}
