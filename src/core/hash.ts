// sha256 of a file's bytes, streamed so a 2 GB model never sits in memory.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * Reads through one reusable 1 MB buffer. A read stream allocates a fresh buffer a chunk, freed only at
 * the next GC: hashing a 10-minute WAV (106 MB) left about 30 MB of them resident while the song was
 * decoded and scored.
 */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return hash.digest('hex');
      hash.update(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}
