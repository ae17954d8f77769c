// Pull-style reads, so container parsers can ask for "the next n bytes" without holding the whole file:
// over a stream of Buffers (ffmpeg's stdout), or a file read in place.

import { open, type FileHandle } from 'node:fs/promises';

/** What a container parser reads from. */
export interface ByteSource {
  /** Bytes handed out or skipped so far. */
  readonly position: number;
  /** The next n bytes, or fewer at the end; valid until the next call. */
  read(n: number): Promise<Buffer>;
  /** Skip n bytes; returns how many were actually there. */
  skip(n: number): Promise<number>;
  close(): Promise<void>;
}

export class ByteReader implements ByteSource {
  private readonly iterator: AsyncIterator<Buffer>;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private ended = false;
  /** Bytes handed out or skipped so far. */
  position = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<void> {
    while (this.bufferedBytes < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        this.buffered.push(next.value);
        this.bufferedBytes += next.value.length;
      }
    }
  }

  private take(n: number): Buffer {
    const count = Math.min(n, this.bufferedBytes);
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const out = all.subarray(0, count);
    const rest = all.subarray(count);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    this.position += count;
    return out;
  }

  /** The next n bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.take(n);
  }

  /** Up to n bytes: whatever is buffered or arrives next, at least one byte unless the stream ended. */
  async readSome(n: number): Promise<Buffer> {
    await this.fill(1);
    return this.take(n);
  }

  /** Skip n bytes; returns how many were actually there. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const chunk = await this.readSome(Math.min(left, 1 << 20));
      if (chunk.length === 0) break;
      left -= chunk.length;
    }
    return n - left;
  }

  /** Stop the source (e.g. close the file) when the caller stops early. */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

/**
 * A file read at its position into one reusable buffer, so a long file's reads allocate nothing. A read
 * stream allocates a fresh 1 MB chunk at a time, freed only at the audio worker's next GC: decoding a
 * 10-minute WAV grew that worker's malloc arena by about 40 MB, which glibc kept while the song was scored.
 */
export class FileByteReader implements ByteSource {
  private block = Buffer.alloc(0);
  position = 0;

  constructor(private readonly handle: FileHandle, private readonly size: number) {}

  static async open(file: string): Promise<FileByteReader> {
    const handle = await open(file, 'r');
    try {
      return new FileByteReader(handle, (await handle.stat()).size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async read(n: number): Promise<Buffer> {
    if (this.block.length < n) this.block = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const { bytesRead } = await this.handle.read(this.block, filled, n - filled, this.position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.position += filled;
    return this.block.subarray(0, filled);
  }

  async skip(n: number): Promise<number> {
    const skipped = Math.max(0, Math.min(n, this.size - this.position));
    this.position += skipped;
    return skipped;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
