import { BinderyError } from '../../protocol/primitives';

/** socket.request.max.bytes: Kafka's default limit on one request frame (100 MiB). */
export const DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;

/** A frame whose declared size is negative or beyond the limit: the connection is closed. */
export class FrameTooLargeError extends BinderyError {
  constructor(size: number, max: number) {
    super('FRAME_TOO_LARGE', `request frame of ${size} bytes exceeds socket.request.max.bytes=${max}; raise the limit or send smaller requests`);
  }
}

/**
 * Splits a TCP byte stream into Kafka request frames.
 *
 *   Frame => Size:int32 Payload:bytes[Size]
 *
 * Chunks are kept as received and only joined once a whole frame is present, so a client that
 * announces a large frame and trickles bytes costs no more memory than what it actually sent.
 */
/**
 * Picks the buffer a complete frame of `size` bytes is copied into (its first two bytes are the
 * request's API key), or null for the default: a view into the received chunk when the frame
 * lies in one, else a new buffer.
 */
export type FrameBufferChooser = (size: number, apiKey: number) => Buffer | null;

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;

  constructor(
    private readonly maxFrameBytes = DEFAULT_MAX_REQUEST_BYTES,
    private readonly chooseBuffer?: FrameBufferChooser,
  ) {}

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Feeds received bytes; returns the frames (payload without size prefix) now complete. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.peekInt32();
        if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
        this.consume(4);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      const target = this.chooseBuffer && this.expected >= 2 ? this.chooseBuffer(this.expected, this.peekInt16()) : null;
      frames.push(target ? this.copyInto(target) : this.consume(this.expected));
      this.expected = -1;
    }
    return frames;
  }

  private peekInt32(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, 4).readInt32BE(0);
  }

  private peekInt16(): number {
    const first = this.chunks[0];
    if (first.length >= 2) return first.readInt16BE(0);
    return Buffer.concat(this.chunks, 2).readInt16BE(0);
  }

  /** Removes and returns the next n bytes (a view into the received chunk when possible). */
  private consume(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    if (first.length < n) return this.copyInto(Buffer.allocUnsafe(n));
    this.buffered -= n;
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    return out;
  }

  /** Removes the next `out.length` bytes, copied into `out`. */
  private copyInto(out: Buffer): Buffer {
    const n = out.length;
    this.buffered -= n;
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const take = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, take);
      filled += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    return out;
  }
}
