// sha256 of a file's bytes, streamed so a 2 GB model never sits in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(file, { highWaterMark: 1 << 20, signal });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}
