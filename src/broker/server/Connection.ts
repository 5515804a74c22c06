import type { Socket } from 'node:net';
import { ConnectionIdleError, RequestFrameTimeoutError } from './connectionErrors';
import { FrameReader, type FrameLimit } from './FrameReader';
import { noteReceivedBytes } from './receivedBytesCollector';
import { ReceivedFrames } from './ReceivedFrames';
import type { RequestMemoryPool } from './RequestMemoryPool';
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
  /**
   * Stop starting requests (and reading the socket) while this many response bytes are in flight:
   * reserved by requests being answered, or answered and not yet taken by the socket.
   */
  maxResponseBytes: number;
  /** What a request's response may take at most, reserved when it starts (a fetch's maxBytes); 0 if unknown. */
  responseBytesBound?: (header: RequestHeaderInfo, body: unknown) => number;
  /** queued.max.request.bytes, shared by every connection of the server. */
  requestMemory: RequestMemoryPool;
  /** When true, only ApiVersions and the SASL APIs are served until SaslAuthenticate succeeds. */
  authRequired?: boolean;
  /** Largest frame accepted before authentication (sasl.server.max.receive.size). */
  maxUnauthenticatedRequestBytes: number;
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
  /** Response bytes counted against the connection: the bound while answering, then the size until written. */
  counted: number;
  /** Close the connection once this response is written (a failed authentication). */
  closeAfter: boolean;
  /** Run once the response's buffers are no longer needed (see RequestContext.afterResponseWritten). */
  afterWrite: (() => void)[] | null;
}

function runAfterWrite(slot: Slot): void {
  const callbacks = slot.afterWrite;
  slot.afterWrite = null;
  if (callbacks) for (const done of callbacks) done();
}

const API_VERSIONS_KEY = 18;
const EMPTY = Buffer.alloc(0);

/**
 * One client connection: frames requests, hands them to the request queue, and writes
 * responses back in request order even when handlers finish out of order (a long-poll fetch
 * followed by a metadata request). Malformed or oversized input closes this connection only.
 */
export class Connection implements ConnectionInfo {
  saslMechanism?: string;
  readonly remoteAddress: string;
  private authenticatedAs?: string;
  private readonly frames: FrameReader;
  private readonly slots: Slot[] = [];
  private paused = false;
  private closed = false;
  /** Answering nothing more: the last response is being written, then the connection closes. */
  private ending = false;
  /** Response bytes in flight (see ConnectionOptions.maxResponseBytes). */
  private responseBytes = 0;
  /** Handlers started and not finished. */
  private running = 0;
  /** When the client last sent bytes, the socket last took response bytes, or a handler last finished. */
  private lastActivity = performance.now();
  /** When the frame being received started arriving, while the socket is read; null otherwise. */
  private frameStartedAt: number | null = null;
  /** Complete frames received but not yet accepted (held back by the connection's bounds). */
  private readonly backlog: Buffer[] = [];
  private pumping = false;
  private readonly received: ReceivedFrames;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions<unknown>,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    const limit: FrameLimit = opts.authRequired
      ? { bytes: Math.min(opts.maxUnauthenticatedRequestBytes, opts.maxRequestBytes), setting: 'sasl.server.max.receive.size (before authentication)' }
      : { bytes: opts.maxRequestBytes, setting: 'socket.request.max.bytes' };
    this.received = new ReceivedFrames(opts.requestMemory);
    this.frames = new FrameReader(limit, this.received.choose, this.received.admit);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Set once SaslAuthenticate succeeds; from then on frames up to socket.request.max.bytes are read. */
  get principal(): string | undefined {
    return this.authenticatedAs;
  }

  set principal(principal: string | undefined) {
    this.authenticatedAs = principal;
    if (principal) this.frames.limit = { bytes: this.opts.maxRequestBytes, setting: 'socket.request.max.bytes' };
  }

  /**
   * Closes the connection if its frame has been arriving for longer than `frameTimeoutMs`, or if
   * it has been idle (nothing received, no response taken, no request being answered) for
   * `idleMs`; a value <= 0 turns that check off. Called periodically by the server.
   */
  checkTimeouts(now: number, idleMs: number, frameTimeoutMs: number): void {
    if (this.closed) return;
    // Reset, not a FIN: a FIN would queue behind responses the client is not taking, and the
    // kernel would keep them (and the client would not learn of the close) until TCP gives up.
    if (frameTimeoutMs > 0 && this.frameStartedAt !== null && now - this.frameStartedAt >= frameTimeoutMs) {
      this.fail(new RequestFrameTimeoutError(frameTimeoutMs, this.frames.pendingBytes), 'input', true);
    } else if (idleMs > 0 && this.running === 0 && !this.frames.blocked && now - this.lastActivity >= idleMs) {
      this.fail(new ConnectionIdleError(idleMs), 'input', true);
    }
  }

  get unanswered(): number {
    return this.slots.length;
  }

  /** Closes the socket; `reset` sends a TCP reset, dropping what the client has not taken. */
  close(reset = false): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) runAfterWrite(slot);
    this.slots.length = 0;
    for (const frame of this.backlog) this.received.done(frame);
    this.backlog.length = 0;
    this.opts.requestMemory.cancel(this.retryReceive);
    this.received.abandon(this.frames.admittedPartialBytes);
    if (reset) this.socket.resetAndDestroy();
    else this.socket.destroy();
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
    this.lastActivity = performance.now();
    this.receive(chunk);
  }

  private receive(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames) this.backlog.push(frame);
    // The next frame waits for request memory: the socket is paused until the pool has room.
    if (this.frames.blocked) this.opts.requestMemory.waitForRoom(this.retryReceive);
    this.pump();
    this.timeFrame();
  }

  private readonly retryReceive = (): void => {
    if (this.closed) return;
    this.receive(EMPTY);
    this.maybeResume();
  };

  /** The frame timer runs only while a frame is partly received and the socket is being read. */
  private timeFrame(): void {
    this.frameStartedAt = this.frames.midFrame && !this.paused ? (this.frameStartedAt ?? performance.now()) : null;
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
      while (this.backlog.length > 0 && !this.closed && !this.ending && !this.onEmpty && !this.overloaded()) {
        this.accept(this.backlog.shift() as Buffer);
      }
    } finally {
      this.pumping = false;
    }
    this.maybePause();
  }

  private accept(frame: Buffer): void {
    if (!this.startHandler(frame)) this.received.done(frame);
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
    // Counted before the handler runs, so a fetch's bytes are accounted before it reads the log.
    slot.counted = this.opts.responseBytesBound?.(header, body) ?? 0;
    this.responseBytes += slot.counted;
    this.running++;
    const ctx: RequestContext = {
      header,
      connection: this as ConnectionInfo,
      services: this.opts.services,
      afterResponseWritten: (done) => {
        if (this.closed) done();
        else (slot.afterWrite ??= []).push(done);
      },
      closeAfterResponse: () => {
        slot.closeAfter = true;
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
        this.running--;
        this.lastActivity = performance.now();
        this.received.done(frame);
      }
    });
    return true;
  }

  private openSlot(): Slot {
    const slot: Slot = { done: false, chunks: null, counted: 0, closeAfter: false, afterWrite: null };
    this.slots.push(slot);
    return slot;
  }

  private complete(slot: Slot, chunks: Buffer[] | null): void {
    slot.done = true;
    slot.chunks = chunks;
    let size = 0;
    if (chunks) for (const c of chunks) size += c.length;
    this.responseBytes += size - slot.counted;
    slot.counted = size;
    this.flush();
  }

  /**
   * Writes every finished response at the head of the line, each as one corked writev: the socket
   * end of the zero-copy fetch path (stored batches leave as the pooled buffers they were read into).
   */
  private flush(): void {
    while (this.slots.length > 0 && this.slots[0].done && !this.closed && !this.ending) {
      const slot = this.slots.shift() as Slot;
      if (!slot.chunks || slot.counted === 0) {
        runAfterWrite(slot);
        if (slot.closeAfter) this.endAfterWrites();
        continue;
      }
      this.socket.cork();
      let last = slot.chunks.length - 1;
      while (slot.chunks[last].length === 0) last--;
      for (let i = 0; i < last; i++) if (slot.chunks[i].length > 0) this.socket.write(slot.chunks[i]);
      // The write callback comes once the socket is done with every chunk written before it
      // (written, or dropped because the socket was destroyed).
      this.socket.write(slot.chunks[last], () => this.written(slot));
      this.socket.uncork();
      if (slot.closeAfter) this.endAfterWrites();
    }
    if (this.slots.length === 0 && this.onEmpty) {
      const resolve = this.onEmpty;
      this.onEmpty = null;
      resolve();
    }
    this.maybeResume();
  }

  private written(slot: Slot): void {
    this.responseBytes -= slot.counted;
    slot.counted = 0;
    this.lastActivity = performance.now();
    runAfterWrite(slot);
    this.maybeResume();
  }

  /** Stops reading and answering; closes once what was written has left (or when the idle check finds it stuck). */
  private endAfterWrites(): void {
    this.ending = true;
    this.paused = true;
    this.socket.pause();
    this.socket.end(() => this.close());
  }

  private overloaded(): boolean {
    return this.slots.length >= this.opts.maxInFlightRequests || this.responseBytes >= this.opts.maxResponseBytes;
  }

  private maybePause(): void {
    if (!this.paused && !this.closed && (this.overloaded() || this.backlog.length > 0 || this.frames.blocked)) {
      this.paused = true;
      this.socket.pause();
      this.timeFrame();
    }
  }

  private maybeResume(): void {
    if (this.backlog.length > 0 && !this.closed && !this.ending && !this.onEmpty) this.pump();
    if (this.paused && !this.closed && !this.ending && !this.onEmpty && !this.overloaded() && this.backlog.length === 0 && !this.frames.blocked) {
      this.paused = false;
      this.socket.resume();
      this.timeFrame();
    }
  }

  /** Closes the connection for `err`; false, so a request path can `return this.fail(...)`. */
  private fail(err: unknown, phase: FailurePhase = 'input', reset = false): false {
    this.opts.onError?.(this, err, phase);
    this.close(reset);
    return false;
  }
}
