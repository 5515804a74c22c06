import { BinderyError } from '../../protocol/primitives';

/** socket.request.max.bytes: Kafka's default limit on one request frame (100 MiB). */
export const DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;

/** The largest frame a connection accepts now, and the setting that says so (for the error). */
export interface FrameLimit {
  bytes: number;
  setting: string;
}

/** A frame whose declared size is negative or beyond the limit: the connection is closed. */
export class FrameTooLargeError extends BinderyError {
  constructor(size: number, max: number, setting = 'socket.request.max.bytes') {
    super('FRAME_TOO_LARGE', `request frame of ${size} bytes exceeds ${setting}=${max}; raise the limit or send smaller requests`);
  }
}

/**
 * Asked once per frame, when its size prefix has arrived, whether the frame may be received now
 * (the server's request memory); while it says no, the reader holds what it has and returns no
 * further frames. `push(EMPTY)` asks again.
 */
export type FrameAdmission = (size: number) => boolean;

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
  private admitted = false;
  private waitingForAdmission = false;
  /** The largest frame accepted; a connection lowers it until its client has authenticated. */
  limit: FrameLimit;

  constructor(
    maxFrameBytes: number | FrameLimit = DEFAULT_MAX_REQUEST_BYTES,
    private readonly chooseBuffer?: FrameBufferChooser,
    private readonly admit?: FrameAdmission,
  ) {
    this.limit = typeof maxFrameBytes === 'number' ? { bytes: maxFrameBytes, setting: 'socket.request.max.bytes' } : maxFrameBytes;
  }

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** True while part of a frame (or of its size prefix) has arrived and the rest has not. */
  get midFrame(): boolean {
    return this.buffered > 0 || this.expected >= 0;
  }

  /** True while the frame whose size has arrived waits for admission. */
  get blocked(): boolean {
    return this.waitingForAdmission;
  }

  /** Size of the frame being received if it was admitted (its reservation), else 0. */
  get admittedPartialBytes(): number {
    return this.expected >= 0 && this.admitted ? this.expected : 0;
  }

  /** Feeds received bytes; returns the frames (payload without size prefix) now complete. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.peekInt32();
        if (size < 0 || size > this.limit.bytes) throw new FrameTooLargeError(size, this.limit.bytes, this.limit.setting);
        this.consume(4);
        this.expected = size;
        this.admitted = false;
      }
      if (!this.admitted) {
        this.waitingForAdmission = this.admit !== undefined && !this.admit(this.expected);
        if (this.waitingForAdmission) break;
        this.admitted = true;
      }
      if (this.buffered < this.expected) break;
      const target = this.chooseBuffer && this.expected >= 2 ? this.chooseBuffer(this.expected, this.peekInt16()) : null;
      frames.push(target ? this.copyInto(target) : this.consume(this.expected));
      this.expected = -1;
      this.admitted = false;
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
