import { defaultBufferPool, type BufferPool, type PooledBuffer } from '../storage/BufferPool';
import type { RequestMemoryPool } from './RequestMemoryPool';

const PRODUCE_KEY = 0;
/** Smaller Produce frames come from Node's shared slab and cost little to collect. */
const POOLED_FRAME_MIN_BYTES = 4096;

/**
 * The memory behind one connection's received frames: each frame's reservation in the server's
 * request memory (queued.max.request.bytes), and the pooled buffers Produce frames are copied
 * into; both are given back by `done` once the frame's request has been handled.
 */
export class ReceivedFrames {
  private readonly pooledFrames = new Map<Buffer, PooledBuffer>();

  constructor(
    private readonly memory: RequestMemoryPool,
    private readonly pool: BufferPool = defaultBufferPool,
  ) {}

  /** FrameReader's admission: reserves the frame's declared size, or says no while the pool is used up. */
  readonly admit = (size: number): boolean => this.memory.tryReserve(size);

  /**
   * FrameReader's buffer choice. A Produce request's frame is copied into a pooled buffer: its
   * batches are appended (and copied into the partition's tail) before the handler finishes, so
   * the buffer can serve the next request instead of leaving the received bytes to the garbage
   * collector. Other requests keep plain buffers: their handlers may hold on to parts (group
   * metadata, assignments).
   */
  readonly choose = (size: number, apiKey: number): Buffer | null => {
    if (apiKey !== PRODUCE_KEY || size < POOLED_FRAME_MIN_BYTES) return null;
    const pooled = this.pool.acquire(size);
    const frame = pooled.bytes.length === size ? pooled.bytes : pooled.bytes.subarray(0, size);
    this.pooledFrames.set(frame, pooled);
    return frame;
  };

  /** Every frame read ends here exactly once. */
  done(frame: Buffer): void {
    this.memory.release(frame.length);
    const pooled = this.pooledFrames.get(frame);
    if (!pooled) return;
    this.pooledFrames.delete(frame);
    this.pool.release(pooled);
  }

  /** Gives back the reservation of a frame that will never complete (its connection closed). */
  abandon(reservedBytes: number): void {
    this.memory.release(reservedBytes);
  }
}
