// Runs the pipeline off the caller's thread. onnxruntime-node's session.run is synchronous inside
// the binding, so running graphs on the main thread would freeze the extension host and serialise
// `--jobs`; each worker owns its sessions and runs one song at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { HearError } from '../errors';
import { runPipeline } from '../pipeline/run';
import type { DisposeMessage, JobMessage, WorkerReply, WorkerSetup } from './protocol';
import { SessionPool } from './sessions';

const setup = workerData as WorkerSetup;
const sessions = new SessionPool(setup.provider, setup.threads);
const port = parentPort!;
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

port.on('message', (message: JobMessage | DisposeMessage) => {
  if (message.type === 'dispose') {
    void sessions.dispose().finally(() => reply({ type: 'disposed' }));
    return;
  }
  const job = message;
  const cancelled = new Int32Array(job.cancel);
  runPipeline(job.plan, job.input, sessions, job.file, {
    isCancelled: () => Atomics.load(cancelled, 0) === 1,
    onProgress: (fraction, stage) => reply({ type: 'progress', id: job.id, fraction, stage }),
  }).then(
    (result) => reply({ type: 'done', id: job.id, result, report: sessions.providerReport() }),
    (err: unknown) => {
      const error =
        err instanceof HearError
          ? { code: err.code, message: err.message, ...(err.file ? { file: err.file } : {}) }
          : { message: err instanceof Error ? err.message : String(err) };
      reply({ type: 'failed', id: job.id, error, report: sessions.providerReport() });
    },
  );
});
