// A Worker for a script that lives beside this bundle: dist/NAME.js next to
// dist/cli.js and dist/extension.js, or NAME.ts next to the calling module when
// running from sources under tsx.
import { extname, join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker script `name` in `dir` (the caller's __dirname). From sources
 * under `node --import tsx`, workers inherit the flag, yet on Node 20 tsx's hooks
 * are not active for a worker's entry script (measured), so tsx is registered
 * inside the worker before the script is loaded.
 */
export function scriptWorker(dir: string, name: string, options: WorkerOptions = {}): Worker {
  const script = join(dir, `${name}${extname(__filename)}`);
  if (script.endsWith('.ts')) {
    const tsx = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(script)});`, { ...options, eval: true });
  }
  return new Worker(script, options);
}
