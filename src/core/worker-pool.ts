// A small pool of worker threads, each running one job at a time. Workers start on demand, are unref'd
// while idle (an idle pool never keeps a CLI alive), and a worker that crashes or is stopped to cancel
// its job is dropped and replaced on the next job: only that job's promise rejects.

import type { Worker } from 'node:worker_threads';

interface Job {
  message: unknown;
  transfer: ArrayBuffer[];
  resolve: (reply: unknown) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

export class WorkerCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'WorkerCancelledError';
  }
}

export class WorkerPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];

  constructor(
    private readonly createWorker: () => Worker,
    readonly size: number,
  ) {}

  /** Post `message` to a free worker and resolve with its one reply. */
  run<T>(message: unknown, options: { signal?: AbortSignal; transfer?: ArrayBuffer[] } = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new WorkerCancelledError());
    return new Promise<T>((resolve, reject) => {
      const job: Job = { message, transfer: options.transfer ?? [], resolve: resolve as (r: unknown) => void, reject, signal };
      if (signal) {
        job.onAbort = () => this.cancel(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Workers currently alive (for tests and diagnostics). */
  get workerCount(): number {
    return this.slots.length;
  }

  /** Terminate every worker; jobs still queued or running reject. */
  async dispose(): Promise<void> {
    const error = new Error('the worker pool was disposed');
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(error));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      const job = slot.job;
      slot.job = undefined;
      if (job) this.settle(job, () => job.reject(error));
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref(); // a running job keeps the process alive until it answers
      slot.worker.postMessage(job.message, job.transfer);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: this.createWorker() };
    slot.worker.on('message', (reply: unknown) => {
      const job = slot.job;
      slot.job = undefined;
      slot.worker.unref();
      if (job) this.settle(job, () => job.resolve(reply));
      this.pump();
    });
    slot.worker.on('error', (err) => this.retire(slot, err));
    slot.worker.on('exit', (code) => this.retire(slot, new Error(`worker thread exited with code ${code}`)));
    slot.worker.unref();
    this.slots.push(slot);
    return slot;
  }

  /** Drop a dead worker; its job (if any) fails with the cause. */
  private retire(slot: Slot, err: unknown): void {
    this.slots = this.slots.filter((s) => s !== slot);
    const job = slot.job;
    slot.job = undefined;
    if (job) this.settle(job, () => job.reject(err));
    this.pump();
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = this.slots.find((s) => s.job === job);
    if (slot) {
      // A job (decoding, a comparison) is synchronous work: stopping the thread is the only prompt way to stop it.
      slot.job = undefined;
      this.slots = this.slots.filter((s) => s !== slot);
      void slot.worker.terminate();
    }
    this.settle(job, () => job.reject(new WorkerCancelledError()));
    this.pump();
  }

  private settle(job: Job, done: () => void): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    done();
  }
}
