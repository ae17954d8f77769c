// Entry point of the comparison worker thread: compareScores, one request at a time. Built to
// dist/compare-worker.js by esbuild.mjs.

import { parentPort } from 'node:worker_threads';
import { HearError } from '../errors';
import { compareScores } from './compare';
import type { CompareReply, CompareRequest } from './in-worker';

const port = parentPort;
if (!port) throw new Error('compare-worker must run as a worker thread');

port.on('message', ({ a, b, options }: CompareRequest) => {
  let reply: CompareReply;
  try {
    reply = { ok: true, comparison: compareScores(a, b, options) };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    reply = error instanceof HearError
      ? { ok: false, code: error.code, message: error.message, file: error.file }
      : { ok: false, message: error.message };
  }
  port.postMessage(reply);
});
