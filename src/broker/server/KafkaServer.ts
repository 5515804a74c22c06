import { createServer, type Server, type Socket } from 'node:net';
import { BinderyError } from '../../protocol/primitives';
import { DEFAULT_BROKER_CONFIG } from '../config/BrokerConfig';
import { Connection, type FailurePhase } from './Connection';
import { DEFAULT_MAX_REQUEST_BYTES } from './FrameReader';
import { RequestMemoryPool } from './RequestMemoryPool';
import { RequestQueue } from './RequestQueue';
import type { ApiHandler, ConnectionInfo, RequestHeaderInfo, WireCodec } from './types';

/** Settings of the server's connections; unset ones take BrokerConfig's defaults (see there). */
export interface ConnectionLimits {
  /** socket.request.max.bytes */
  maxRequestBytes?: number;
  maxInFlightRequestsPerConnection?: number;
  maxResponseBytesPerConnection?: number;
  /** Upper bound of a request's response, counted against its connection from the moment it starts. */
  responseBytesBound?: (header: RequestHeaderInfo, body: unknown) => number;
  /** queued.max.request.bytes (-1 = no bound) */
  queuedMaxRequestBytes?: number;
  /** connections.max.idle.ms (-1 = never) */
  connectionsMaxIdleMs?: number;
  /** request.frame.timeout.ms (-1 = never) */
  requestFrameTimeoutMs?: number;
  /** sasl.server.max.receive.size: largest frame before authentication */
  saslServerMaxReceiveSize?: number;
}

export interface KafkaServerOptions<S> extends ConnectionLimits {
  codec: WireCodec;
  handlers: readonly ApiHandler<S>[];
  services: S;
  host?: string;
  port?: number;
  authRequired?: boolean;
  onConnectionError?: (connection: ConnectionInfo, err: unknown, phase: FailurePhase) => void;
}

/** The queued.max.request.bytes pool as an operator sees it. */
export interface RequestMemoryStats {
  readonly capacity: number;
  readonly queuedBytes: number;
  readonly waitingConnections: number;
}

/** Bounds of how often the timeouts are checked: often enough for small test settings, rarely for the defaults. */
const MIN_SWEEP_MS = 10;
const MAX_SWEEP_MS = 1000;

/** A configuration of the wire server that cannot work. */
export class ServerConfigError extends BinderyError {
  constructor(message: string) {
    super('SERVER_CONFIG', message);
  }
}

/** Accepts connections and wires each to the shared request queue and handler table. */
export class KafkaServer<S> {
  readonly queue = new RequestQueue();
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly handlers: Map<number, ApiHandler<S>>;
  private readonly memory: RequestMemoryPool;
  private readonly maxRequestBytes: number;
  private readonly idleMs: number;
  private readonly frameTimeoutMs: number;
  private sweeper: NodeJS.Timeout | null = null;
  private nextId = 1;
  private address: { host: string; port: number } | null = null;

  constructor(private readonly opts: KafkaServerOptions<S>) {
    this.handlers = new Map(opts.handlers.map((h) => [h.apiKey, h]));
    this.maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    const queued = opts.queuedMaxRequestBytes ?? DEFAULT_BROKER_CONFIG.queuedMaxRequestBytes;
    if (queued > 0 && queued < this.maxRequestBytes) {
      throw new ServerConfigError(`queued.max.request.bytes (${queued}) must be at least socket.request.max.bytes (${this.maxRequestBytes}), or -1 for no bound`);
    }
    this.memory = new RequestMemoryPool(queued);
    this.idleMs = opts.connectionsMaxIdleMs ?? DEFAULT_BROKER_CONFIG.connectionsMaxIdleMs;
    this.frameTimeoutMs = opts.requestFrameTimeoutMs ?? DEFAULT_BROKER_CONFIG.requestFrameTimeoutMs;
    this.server = createServer((socket) => this.onSocket(socket));
  }

  get requestMemory(): RequestMemoryStats {
    return this.memory;
  }

  get handlerTable(): ReadonlyMap<number, ApiHandler<S>> {
    return this.handlers;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Binds and resolves with the bound address (port 0 picks a free port). */
  listen(): Promise<{ host: string; port: number }> {
    const host = this.opts.host ?? DEFAULT_BROKER_CONFIG.host;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? DEFAULT_BROKER_CONFIG.port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : (this.opts.port ?? DEFAULT_BROKER_CONFIG.port);
        this.address = { host, port };
        this.startSweeping();
        resolve(this.address);
      });
    });
  }

  get boundAddress(): { host: string; port: number } {
    if (!this.address) throw new Error('server is not listening yet: await listen() first');
    return this.address;
  }

  /** Stops accepting, answers requests already received (bounded by graceMs), closes every connection. */
  async close(graceMs = 2000): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const draining = Promise.all([...this.connections].map((c) => c.drainAndEnd()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([draining, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const c of this.connections) c.close();
    this.connections.clear();
    await closed;
  }

  private onSocket(socket: Socket): void {
    const conn = new Connection(this.nextId++, socket, {
      codec: this.opts.codec,
      handlers: this.handlers as ReadonlyMap<number, ApiHandler<unknown>>,
      queue: this.queue,
      services: this.opts.services,
      maxRequestBytes: this.maxRequestBytes,
      maxInFlightRequests: this.opts.maxInFlightRequestsPerConnection ?? 100,
      maxResponseBytes: this.opts.maxResponseBytesPerConnection ?? DEFAULT_BROKER_CONFIG.maxResponseBytesPerConnection,
      responseBytesBound: this.opts.responseBytesBound,
      requestMemory: this.memory,
      authRequired: this.opts.authRequired,
      maxUnauthenticatedRequestBytes: this.opts.saslServerMaxReceiveSize ?? DEFAULT_BROKER_CONFIG.saslServerMaxReceiveSize,
      onError: this.opts.onConnectionError,
    });
    this.connections.add(conn);
    socket.on('close', () => this.connections.delete(conn));
  }

  /** One timer for every connection's idle and frame timeouts (as Kafka's Selector checks its idle LRU). */
  private startSweeping(): void {
    const shortest = Math.min(...[this.idleMs, this.frameTimeoutMs].filter((ms) => ms > 0));
    if (!Number.isFinite(shortest)) return;
    const every = Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, Math.floor(shortest / 4)));
    this.sweeper = setInterval(() => {
      const now = performance.now();
      for (const c of this.connections) c.checkTimeouts(now, this.idleMs, this.frameTimeoutMs);
    }, every);
    this.sweeper.unref();
  }
}
