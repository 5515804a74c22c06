import { createServer, type Server, type Socket } from 'node:net';
import { DEFAULT_BROKER_CONFIG } from '../config/BrokerConfig';
import { Connection, type FailurePhase } from './Connection';
import { DEFAULT_MAX_REQUEST_BYTES } from './FrameReader';
import { RequestQueue } from './RequestQueue';
import type { ApiHandler, ConnectionInfo, WireCodec } from './types';

export interface KafkaServerOptions<S> {
  codec: WireCodec;
  handlers: readonly ApiHandler<S>[];
  services: S;
  host?: string;
  port?: number;
  maxRequestBytes?: number;
  maxInFlightRequestsPerConnection?: number;
  maxPendingResponseBytesPerConnection?: number;
  authRequired?: boolean;
  onConnectionError?: (connection: ConnectionInfo, err: unknown, phase: FailurePhase) => void;
}

/** Accepts connections and wires each to the shared request queue and handler table. */
export class KafkaServer<S> {
  readonly queue = new RequestQueue();
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly handlers: Map<number, ApiHandler<S>>;
  private nextId = 1;
  private address: { host: string; port: number } | null = null;

  constructor(private readonly opts: KafkaServerOptions<S>) {
    this.handlers = new Map(opts.handlers.map((h) => [h.apiKey, h]));
    this.server = createServer((socket) => this.onSocket(socket));
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
      maxRequestBytes: this.opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      maxInFlightRequests: this.opts.maxInFlightRequestsPerConnection ?? 100,
      maxPendingResponseBytes: this.opts.maxPendingResponseBytesPerConnection ?? 32 * 1024 * 1024,
      authRequired: this.opts.authRequired,
      onError: this.opts.onConnectionError,
    });
    this.connections.add(conn);
    socket.on('close', () => this.connections.delete(conn));
  }
}
