import type { Socket } from 'node:net';
import { FrameReader } from './FrameReader';
import type { RequestQueue } from './RequestQueue';
import { NO_RESPONSE, type ApiHandler, type ConnectionInfo, type RequestHeaderInfo, type WireCodec } from './types';
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
}

const API_VERSIONS_KEY = 18;

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

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions<unknown>,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.frames = new FrameReader(opts.maxRequestBytes);
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
    this.slots.length = 0;
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

  private accept(frame: Buffer): void {
    const { codec, handlers } = this.opts;
    const bare = readBareHeader(frame);
    if (!bare) return this.fail(new Error('request frame shorter than its header'));
    const handler = handlers.get(bare.apiKey);
    if (!handler || bare.apiVersion < handler.minVersion || bare.apiVersion > handler.maxVersion) {
      if (bare.apiKey === API_VERSIONS_KEY) {
        // KIP-511: answer in the v0 layout with UNSUPPORTED_VERSION so the client downgrades.
        const slot = this.openSlot();
        this.complete(slot, [encodeUnsupportedApiVersions(bare.correlationId, handlers)]);
        return;
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
    const ctx = { header, connection: this as ConnectionInfo, services: this.opts.services };
    this.opts.queue.enqueue(async () => {
      if (this.closed) return;
      try {
        const result = await handler.handle(body, ctx);
        if (this.closed) return;
        this.complete(slot, result === NO_RESPONSE ? null : codec.encodeResponse(header, result));
      } catch (err) {
        this.fail(err, 'handler');
      }
    });
  }

  private openSlot(): Slot {
    const slot: Slot = { done: false, chunks: null };
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
      if (!slot.chunks) continue;
      this.socket.cork();
      for (const c of slot.chunks) if (c.length > 0) this.socket.write(c);
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

  private fail(err: unknown, phase: FailurePhase = 'input'): void {
    this.opts.onError?.(this, err, phase);
    this.close();
  }
}
