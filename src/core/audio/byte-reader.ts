// Pull-style reads over a stream of Buffers (a file read stream or ffmpeg's stdout), so container parsers
// can ask for "the next n bytes" without holding the whole file.

export class ByteReader {
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
