/**
 * Clients that misbehave on purpose, on raw sockets to 127.0.0.1, and a sampler of a broker
 * child's memory: for the resource-limit tests and the fault suite.
 *
 *   const abuser = await neverReadingFetcher({ port, topic: 'big', requests: 100, maxBytes: 8 << 20 });
 *   const rss = sampleRss(broker.pid);   // ... rss.peakKiB, rss.stop()
 *   await abuser.closed;                 // the broker closes it (connections.max.idle.ms)
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { ApiKey, encodeRequestFrame } from '../../src/protocol';

export interface AbusiveConnection {
  readonly socket: Socket;
  /** Resolves when the broker (or anyone) closes the connection. */
  readonly closed: Promise<void>;
  /** Bytes the socket has handed to the kernel so far. */
  readonly bytesWritten: () => number;
  destroy(): void;
}

/** TCP states in /proc/net/tcp: the connection as the kernel sees it. */
const TCP_ESTABLISHED = '01';

/**
 * True once the peer has closed the connection, seen without reading from it: a client that never
 * reads gets no 'close' event (the FIN waits behind unread data), so the kernel's table says it
 * (CLOSE_WAIT), or the connection is gone (reset).
 */
function peerClosed(socket: Socket): boolean {
  if (socket.destroyed) return true;
  const local = socket.localPort;
  const remote = socket.remotePort;
  if (local === undefined || remote === undefined) return true;
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length > 3 && cols[1].endsWith(`:${hex(local)}`) && cols[2].endsWith(`:${hex(remote)}`)) return cols[3] !== TCP_ESTABLISHED;
  }
  return true;
}

async function open(port: number, host = '127.0.0.1'): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, host);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const closed = new Promise<void>((resolve) => {
    const watch = setInterval(() => peerClosed(socket) && done(), 50);
    const done = () => {
      clearInterval(watch);
      resolve();
    };
    socket.once('close', done);
  });
  return { socket, closed };
}

function wrap(socket: Socket, closed: Promise<void>): AbusiveConnection {
  return { socket, closed, bytesWritten: () => socket.bytesWritten - socket.writableLength, destroy: () => socket.destroy() };
}

export interface NeverReadingFetcherOptions {
  port: number;
  host?: string;
  topic: string;
  partition?: number;
  /** Fetch requests pipelined at once (default 100). */
  requests?: number;
  /** maxBytes and partitionMaxBytes of each fetch. */
  maxBytes: number;
  fetchOffset?: bigint;
}

/**
 * Pipelines `requests` Fetch v4 requests for `topic` from `fetchOffset` and never reads a byte of
 * the answers: the broker's responses pile up unless it stops reading this socket.
 */
export async function neverReadingFetcher(opts: NeverReadingFetcherOptions): Promise<AbusiveConnection> {
  const { socket, closed } = await open(opts.port, opts.host);
  socket.pause();
  const frames: Buffer[] = [];
  for (let i = 0; i < (opts.requests ?? 100); i++) {
    frames.push(
      encodeRequestFrame(
        { apiKey: ApiKey.Fetch, apiVersion: 4, correlationId: i + 1, clientId: 'never-reads' },
        {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: opts.maxBytes,
          isolationLevel: 0,
          topics: [{ topic: opts.topic, partitions: [{ partition: opts.partition ?? 0, fetchOffset: opts.fetchOffset ?? 0n, partitionMaxBytes: opts.maxBytes }] }],
        },
      ),
    );
  }
  socket.write(Buffer.concat(frames));
  return wrap(socket, closed);
}

/**
 * Announces a frame of `declaredBytes` and sends only `sendBytes` of it, then goes quiet: what an
 * unauthenticated client can make the broker hold.
 */
export async function unfinishedFrame(opts: { port: number; host?: string; declaredBytes: number; sendBytes: number }): Promise<AbusiveConnection> {
  const { socket, closed } = await open(opts.port, opts.host);
  const head = Buffer.alloc(4);
  head.writeInt32BE(opts.declaredBytes, 0);
  socket.write(head);
  // One piece written again and again: the client holds 1 MiB whatever it sends.
  const piece = Buffer.alloc(1024 * 1024, 1);
  for (let left = opts.sendBytes - 4; left > 0; left -= piece.length) socket.write(left >= piece.length ? piece : piece.subarray(0, left));
  return wrap(socket, closed);
}

/** Resolves true once `connection` is closed, false if it is still open after `deadlineMs`. */
export function closedWithin(connection: AbusiveConnection, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), deadlineMs)));
  return Promise.race([connection.closed.then(() => true), deadline]).finally(() => clearTimeout(timer));
}

/** Connects and sends nothing. */
export async function silentConnection(opts: { port: number; host?: string }): Promise<AbusiveConnection> {
  const { socket, closed } = await open(opts.port, opts.host);
  return wrap(socket, closed);
}

/** Sends `frame` one byte every `intervalMs` (a slow-loris client) until done or closed. */
export async function tricklingSender(opts: { port: number; host?: string; frame: Buffer; intervalMs: number }): Promise<AbusiveConnection & { sent: () => number }> {
  const { socket, closed } = await open(opts.port, opts.host);
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= opts.frame.length) return clearInterval(timer);
    socket.write(opts.frame.subarray(sent, ++sent));
  }, opts.intervalMs);
  void closed.then(() => clearInterval(timer));
  return { ...wrap(socket, closed), sent: () => sent, destroy: () => (clearInterval(timer), socket.destroy()) };
}

/** Resident memory of a process, in KiB (Linux). */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Samples a process's RSS every `everyMs` and keeps the peak, until stopped. */
export function sampleRss(pid: number, everyMs = 20): { readonly peakKiB: number; readonly startKiB: number; stop(): number } {
  const startKiB = rssKiB(pid);
  let peakKiB = startKiB;
  const take = () => {
    try {
      peakKiB = Math.max(peakKiB, rssKiB(pid));
    } catch {
      // the process has gone; keep the peak seen
    }
  };
  const timer = setInterval(take, everyMs);
  return {
    startKiB,
    get peakKiB() {
      return peakKiB;
    },
    stop() {
      clearInterval(timer);
      take();
      return peakKiB;
    },
  };
}

/** Runs `op` and records how long it took. */
export async function timed<T>(latenciesMs: number[], op: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await op();
  } finally {
    latenciesMs.push(performance.now() - started);
  }
}
