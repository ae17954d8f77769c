// Entry point of an audio worker thread: decode, downmix and resample one file per request, and send the
// samples back by transferring their buffer (no copy). Built to dist/audio-worker.js by esbuild.mjs.

import { parentPort } from 'node:worker_threads';
import { asHearError, causeOf } from '../errors';
import { decodeFile } from './decode';
import type { DecodeReply, DecodeRequest } from './protocol';

const port = parentPort;
if (!port) throw new Error('audio-worker must run as a worker thread');

port.on('message', (request: DecodeRequest) => {
  decodeFile(request).then(
    ({ samples, info }) => {
      const reply: DecodeReply = { ok: true, samples, info };
      port.postMessage(reply, [samples.buffer as ArrayBuffer]);
    },
    (err: unknown) => {
      const error = asHearError(err, request.file);
      const reply: DecodeReply = { ok: false, code: error.code, message: causeOf(error.message, request.file), file: request.file };
      port.postMessage(reply);
    },
  );
});
