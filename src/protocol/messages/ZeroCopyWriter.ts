import { ByteWriter } from '../primitives/ByteWriter';

/** Buffers at least this large are appended by reference rather than copied. */
export const APPEND_BY_REFERENCE_MIN = 512;

/** An encoded message as a list of chunks (for socket.writev / cork) plus their total size. */
export interface EncodedChunks {
  readonly chunks: Buffer[];
  readonly size: number;
}

/**
 * The encoding half of the zero-copy fetch path (Kafka sends log files with sendfile; bindery reads
 * them into pooled buffers, storage/BufferPool.ts, and the wire server writes a response's chunks
 * with one corked writev, server/Connection.ts). A ByteWriter that keeps large payloads (record
 * sets) out of its own buffer: they are appended as separate chunks by reference, so a Fetch
 * response never copies the stored bytes it returns.
 * Earlier chunks are views into the writer's buffer; they stay valid because the writer only ever
 * appends (a growth copies into a new buffer and leaves the old bytes untouched).
 */
export class ZeroCopyWriter {
  readonly w: ByteWriter;
  private readonly chunks: Buffer[] = [];
  private mark = 0;
  private refBytes = 0;

  constructor(initialCapacity = 256) {
    this.w = new ByteWriter(initialCapacity);
  }

  /** Bytes written so far, chunks included. */
  get length(): number {
    return this.w.length + this.refBytes;
  }

  /** Appends `b`: copied if small, else referenced as its own chunk. */
  append(b: Buffer): void {
    if (b.length < APPEND_BY_REFERENCE_MIN) {
      this.w.raw(b);
      return;
    }
    this.flush();
    this.chunks.push(b);
    this.refBytes += b.length;
  }

  private flush(): void {
    if (this.w.length > this.mark) this.chunks.push(this.w.toBuffer().subarray(this.mark));
    this.mark = this.w.length;
  }

  finish(): EncodedChunks {
    this.flush();
    return { chunks: this.chunks, size: this.w.length + this.refBytes };
  }
}

/** Joins chunks into one Buffer (no copy when there is a single chunk). */
export function concatChunks(encoded: EncodedChunks): Buffer {
  return encoded.chunks.length === 1 ? encoded.chunks[0] : Buffer.concat(encoded.chunks, encoded.size);
}
