// sha256 of a file's bytes, streamed so a 2 GB model never sits in memory.
import { createHash } from 'node:crypto';
import { FileByteReader } from './audio/byte-reader';

const CHUNK = 1 << 20;

/**
 * Reads through one reusable buffer (FileByteReader). A read stream allocates a fresh buffer a chunk, freed
 * only at the next GC: hashing a 10-minute WAV (106 MB) left about 30 MB of them resident while the song was
 * decoded and scored.
 */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const reader = await FileByteReader.open(file);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const chunk = await reader.read(CHUNK);
      if (chunk.length === 0) return hash.digest('hex');
      hash.update(chunk);
    }
  } finally {
    await reader.close();
  }
}
