// The worker pool (crashes, limits, cancellation, disposal) and how worker scripts are found: NAME.ts
// under tsx from sources, dist/audio-worker.js next to the esbuild bundle that calls loadAudio.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { WorkerCancelledError, WorkerPool } from '../../src/core/worker-pool';
import { scriptWorker } from '../../src/core/worker-script';
import { wavFile } from './audio-helpers';
import { tempDir } from './engine-helpers';

/** A worker that echoes its message, crashes on "crash", hangs on "hang", and runs out of memory on "oom". */
const TEST_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m === 'crash') throw new Error('boom');
  if (m === 'hang') return;
  if (m === 'oom') { const keep = []; for (;;) keep.push(new Array(1e6).fill(m)); }
  parentPort.postMessage({ echo: m, thread: require('node:worker_threads').threadId });
});`;

function testPool(size: number): WorkerPool {
  return new WorkerPool(() => new Worker(TEST_WORKER, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 32 } }), size);
}

describe('WorkerPool', () => {
  test('runs jobs on at most `size` workers and reuses them', async () => {
    const pool = testPool(2);
    const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run<{ echo: number; thread: number }>(n)));
    assert.deepEqual(replies.map((r) => r.echo), [1, 2, 3, 4, 5]);
    assert.ok(new Set(replies.map((r) => r.thread)).size <= 2);
    assert.equal(pool.workerCount, 2);
    await pool.dispose();
    assert.equal(pool.workerCount, 0);
  });

  test('a crash or an out-of-memory worker rejects only its own job; the pool replaces the worker', async () => {
    const pool = testPool(1);
    const crash = pool.run('crash');
    const after = pool.run('next');
    await assert.rejects(crash, /boom/);
    assert.deepEqual((await after as { echo: string }).echo, 'next');
    await assert.rejects(pool.run('oom'), (err: NodeJS.ErrnoException) => err.code === 'ERR_WORKER_OUT_OF_MEMORY');
    assert.equal((await pool.run<{ echo: string }>('again')).echo, 'again');
    await pool.dispose();
  });

  test('abort cancels a queued or running job, leaving the others', async () => {
    const pool = testPool(1);
    const running = new AbortController();
    const queued = new AbortController();
    const hang = pool.run('hang', { signal: running.signal });
    const waiting = pool.run('queued', { signal: queued.signal });
    const last = pool.run('last');
    queued.abort();
    await assert.rejects(waiting, WorkerCancelledError);
    running.abort();
    await assert.rejects(hang, WorkerCancelledError);
    assert.equal((await last as { echo: string }).echo, 'last');
    await pool.dispose();
  });

  test('dispose rejects jobs still running', async () => {
    const pool = testPool(1);
    const rejected = assert.rejects(pool.run('hang'), /disposed/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.dispose();
    await rejected;
  });
});

test('from sources, scriptWorker runs NAME.ts beside the caller under tsx, with its options', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'typed-worker.ts'), `
import { parentPort, workerData } from 'node:worker_threads';
const doubled: number = (workerData as { n: number }).n * 2;
parentPort!.postMessage(doubled);`);
  const worker = scriptWorker(dir, 'typed-worker', { workerData: { n: 21 } });
  const [reply] = await once(worker, 'message');
  assert.equal(reply, 42);
  await worker.terminate();
});

test('from the esbuild bundle, loadAudio finds audio-worker.js beside the bundle', async () => {
  const root = path.resolve(__dirname, '../..');
  const dir = tempDir();
  const out = path.join(dir, 'dist');
  writeFileSync(path.join(dir, 'probe.ts'), `
import { loadAudio, disposeAudioWorkers } from ${JSON.stringify(path.join(root, 'src/core/audio'))};
loadAudio(process.argv[2], { sampleRate: 24000 })
  .then((a) => console.log(JSON.stringify({ length: a.samples.length, decoder: a.info.decoder })))
  .finally(disposeAudioWorkers);`);
  // The same options as esbuild.mjs: CommonJS for Node 20, each entry its own file in one folder.
  await esbuild.build({
    entryPoints: { probe: path.join(dir, 'probe.ts'), 'audio-worker': path.join(root, 'src/core/audio/audio-worker.ts') },
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  const pcm = Buffer.alloc(16000 * 2);
  for (let i = 0; i < 16000; i++) pcm.writeInt16LE(Math.round(10000 * Math.sin(i / 5)), i * 2);
  writeFileSync(path.join(dir, 'tone.wav'), wavFile({ channels: 1, sampleRate: 16000, bitsPerSample: 16 }, pcm));
  // Plain node, no tsx: only bundled JavaScript runs.
  const child = spawnSync(process.execPath, [path.join(out, 'probe.js'), path.join(dir, 'tone.wav')], { encoding: 'utf8', cwd: dir });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), { length: 24000, decoder: 'built-in WAV reader' });
});
