import type { Socket } from 'node:net';
import { defaultBufferPool, type PooledBuffer } from '../storage/BufferPool';
import { FrameReader } from './FrameReader';
import { noteReceivedBytes } from './receivedBytesCollector';
import type { RequestQueue } from './RequestQueue';
import { NO_RESPONSE, type ApiHandler, type ConnectionInfo, type RequestContext, type RequestHeaderInfo, type WireCodec } from './types';
import { encodeUnsupportedApiVersions, readBareHeader } from './unsupportedVersion';

export interface ConnectionOptions<S> {
  codec: WireCodec;
  handlers: ReadonlyMap<number, ApiHandler<S>>;
  queue: RequestQueue;
  services: S;
  maxRequestBytes: number;
  /** Stop reading the socket while this many requests are unanswered. */
  maxInFlightRequests: number;
  /** Stop reading the socket while this many response bytes wait in its send buffer. */
  maxPendingResponseBytes: number;
  /** When true, only ApiVersions and the SASL APIs are served until SaslAuthenticate succeeds. */
  authRequired?: boolean;
  onError?: (connection: ConnectionInfo, err: unknown, phase: FailurePhase) => void;
}

/** Where a connection failed: the client's bytes ('input') or the server answering them ('handler'). */
export type FailurePhase = 'input' | 'handler';

/** APIs a client may call before it has authenticated. */
const PRE_AUTH_APIS = new Set([17, 18, 36]);

/** One response slot; slots leave strictly in request order. */
interface Slot {
  done: boolean;
  chunks: Buffer[] | null;
  /** Run once the response's buffers are no longer needed (see RequestContext.afterResponseWritten). */
  afterWrite: (() => void)[] | null;
}

function runAfterWrite(slot: Slot): void {
  const callbacks = slot.afterWrite;
  slot.afterWrite = null;
  if (callbacks) for (const done of callbacks) done();
}

const API_VERSIONS_KEY = 18;
const PRODUCE_KEY = 0;
/** Smaller Produce frames come from Node's shared slab and cost little to collect. */
const POOLED_FRAME_MIN_BYTES = 4096;
const EMPTY = Buffer.alloc(0);

/**
 * One client connection: frames requests, hands them to the request queue, and writes
 * responses back in request order even when handlers finish out of order (a long-poll fetch
 * followed by a metadata request). Malformed or oversized input closes this connection only.
 */
export class Connection implements ConnectionInfo {
  principal?: string;
  saslMechanism?: string;
  readonly remoteAddress: string;
  private readonly frames: FrameReader;
  private readonly slots: Slot[] = [];
  private paused = false;
  private closed = false;
  /** Complete frames received but not yet accepted (held back by the connection's bounds). */
  private readonly backlog: Buffer[] = [];
  private pumping = false;
  private readonly pool = defaultBufferPool;
  /** Received frames held in pooled buffers, returned once their request has been handled. */
  private readonly pooledFrames = new Map<Buffer, PooledBuffer>();

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions<unknown>,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.frames = new FrameReader(opts.maxRequestBytes, (size, apiKey) => (apiKey === PRODUCE_KEY && size >= POOLED_FRAME_MIN_BYTES ? this.pooledFrame(size) : null));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get unanswered(): number {
    return this.slots.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) runAfterWrite(slot);
    this.slots.length = 0;
    for (const frame of this.backlog) this.releaseFrame(frame);
    this.backlog.length = 0;
    this.socket.destroy();
  }

  /** Stops reading new requests; answers what was already received, then ends the socket. */
  async drainAndEnd(): Promise<void> {
    this.socket.pause();
    this.paused = true;
    if (this.slots.length > 0) await new Promise<void>((resolve) => (this.onEmpty = resolve));
    this.socket.end();
  }

  private onEmpty: (() => void) | null = null;

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    noteReceivedBytes(chunk.length);
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames) this.backlog.push(frame);
    this.pump();
  }

  /**
   * Accepts framed requests while the connection is under its bounds; the rest wait in the
   * backlog (a client may pipeline hundreds of requests in one TCP chunk) and the socket stops
   * being read until answers have drained.
   */
  private pump(): void {
    if (this.pumping) return; // answers completed synchronously re-enter through flush()
    this.pumping = true;
    try {
      while (this.backlog.length > 0 && !this.closed && !this.onEmpty && !this.overloaded()) {
        this.accept(this.backlog.shift() as Buffer);
      }
    } finally {
      this.pumping = false;
    }
    this.maybePause();
  }

  /**
   * A Produce request's frame is copied into a pooled buffer: its batches are appended (and copied
   * into the partition's tail) before the handler finishes, so the buffer can serve the next
   * request instead of leaving the received bytes to the garbage collector. Other requests keep
   * plain buffers: their handlers may hold on to parts (group metadata, assignments).
   */
  private pooledFrame(size: number): Buffer {
    const pooled = this.pool.acquire(size);
    const frame = pooled.bytes.length === size ? pooled.bytes : pooled.bytes.subarray(0, size);
    this.pooledFrames.set(frame, pooled);
    return frame;
  }

  private releaseFrame(frame: Buffer): void {
    const pooled = this.pooledFrames.get(frame);
    if (!pooled) return;
    this.pooledFrames.delete(frame);
    this.pool.release(pooled);
  }

  private accept(frame: Buffer): void {
    if (!this.startHandler(frame)) this.releaseFrame(frame);
  }

  /** Starts answering one request; true when a handler was queued (it releases the frame when done). */
  private startHandler(frame: Buffer): boolean {
    const { codec, handlers } = this.opts;
    const bare = readBareHeader(frame);
    if (!bare) return this.fail(new Error('request frame shorter than its header'));
    const handler = handlers.get(bare.apiKey);
    if (!handler || bare.apiVersion < handler.minVersion || bare.apiVersion > handler.maxVersion) {
      if (bare.apiKey === API_VERSIONS_KEY) {
        // KIP-511: answer in the v0 layout with UNSUPPORTED_VERSION so the client downgrades.
        const slot = this.openSlot();
        this.complete(slot, [encodeUnsupportedApiVersions(bare.correlationId, handlers)]);
        return false;
      }
      return this.fail(new Error(`unsupported API ${bare.apiKey} v${bare.apiVersion}`));
    }
    if (this.opts.authRequired && !this.principal && !PRE_AUTH_APIS.has(bare.apiKey)) {
      return this.fail(new Error(`API ${bare.apiKey} before SASL authentication`));
    }
    let header: RequestHeaderInfo;
    let body: unknown;
    try {
      const decoded = codec.decodeHeader(frame);
      header = { apiKey: decoded.apiKey, apiVersion: decoded.apiVersion, correlationId: decoded.correlationId, clientId: decoded.clientId };
      body = codec.decodeBody(header, frame, decoded.bodyOffset);
    } catch (err) {
      return this.fail(err);
    }
    const slot = this.openSlot();
    const ctx: RequestContext = {
      header,
      connection: this as ConnectionInfo,
      services: this.opts.services,
      afterResponseWritten: (done) => {
        if (this.closed) done();
        else (slot.afterWrite ??= []).push(done);
      },
    };
    this.opts.queue.enqueue(async () => {
      try {
        if (this.closed) return;
        const result = await handler.handle(body, ctx);
        if (this.closed) return;
        this.complete(slot, result === NO_RESPONSE ? null : codec.encodeResponse(header, result));
      } catch (err) {
        this.fail(err, 'handler');
      } finally {
        this.releaseFrame(frame);
      }
    });
    return true;
  }

  private openSlot(): Slot {
    const slot: Slot = { done: false, chunks: null, afterWrite: null };
    this.slots.push(slot);
    return slot;
  }

  private complete(slot: Slot, chunks: Buffer[] | null): void {
    slot.done = true;
    slot.chunks = chunks;
    this.flush();
  }

  /** Writes every finished response at the head of the line, each as one corked writev. */
  private flush(): void {
    while (this.slots.length > 0 && this.slots[0].done && !this.closed) {
      const slot = this.slots.shift() as Slot;
      if (!slot.chunks) {
        runAfterWrite(slot);
        continue;
      }
      this.socket.cork();
      for (const c of slot.chunks) if (c.length > 0) this.socket.write(c);
      // The write callback comes once the socket is done with every chunk written before it
      // (written, or dropped because the socket was destroyed).
      if (slot.afterWrite) this.socket.write(EMPTY, () => runAfterWrite(slot));
      this.socket.uncork();
    }
    if (this.slots.length === 0 && this.onEmpty) {
      const resolve = this.onEmpty;
      this.onEmpty = null;
      resolve();
    }
    this.maybeResume();
  }

  private overloaded(): boolean {
    return this.slots.length >= this.opts.maxInFlightRequests || this.socket.writableLength >= this.opts.maxPendingResponseBytes;
  }

  private maybePause(): void {
    if (!this.paused && !this.closed && (this.overloaded() || this.backlog.length > 0)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    if (this.backlog.length > 0 && !this.closed && !this.onEmpty) this.pump();
    if (this.paused && !this.closed && !this.onEmpty && !this.overloaded() && this.backlog.length === 0) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Closes the connection for `err`; false, so a request path can `return this.fail(...)`. */
  private fail(err: unknown, phase: FailurePhase = 'input'): false {
    this.opts.onError?.(this, err, phase);
    this.close();
    return false;
  }
}
