/**
 * A toy wire codec and client helpers for KafkaServer tests: the server's framing, ordering and
 * limits without the Kafka schemas.
 *   request  = size:int32 apiKey:int16 version:int16 correlationId:int32 body:text
 *   response = size:int32 correlationId:int32 body:text
 */
import { connect, type Socket } from 'node:net';
import type { WireCodec } from '../../src/broker/server/types';

export const toyCodec: WireCodec = {
  decodeHeader: (f) => ({ apiKey: f.readInt16BE(0), apiVersion: f.readInt16BE(2), correlationId: f.readInt32BE(4), clientId: null, bodyOffset: 8 }),
  decodeBody: (_h, f, off) => f.subarray(off).toString(),
  encodeResponse: (h, body) => {
    const head = Buffer.alloc(8);
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
    head.writeInt32BE(4 + payload.length, 0);
    head.writeInt32BE(h.correlationId, 4);
    return [head, payload];
  },
};

export function toyRequest(apiKey: number, version: number, corr: number, body: string | Buffer): Buffer {
  const payload = Buffer.concat([Buffer.alloc(8), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
  payload.writeInt16BE(apiKey, 0);
  payload.writeInt16BE(version, 2);
  payload.writeInt32BE(corr, 4);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

export interface ToyResponses {
  readonly frames: Buffer[];
  next(n: number): Promise<Buffer[]>;
  readonly closed: Promise<void>;
}

/** Collects response frames from a socket (the socket is read from then on). */
export function toyResponses(sock: Socket): ToyResponses {
  const frames: Buffer[] = [];
  let buf = Buffer.alloc(0);
  let wake: (() => void) | null = null;
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      frames.push(buf.subarray(4, 4 + buf.readInt32BE(0)));
      buf = buf.subarray(4 + buf.readInt32BE(0));
    }
    wake?.();
  });
  const closed = new Promise<void>((r) => sock.on('close', () => (r(), wake?.())));
  return {
    frames,
    closed,
    async next(n) {
      while (frames.length < n) {
        if (sock.destroyed) throw new Error(`connection closed after ${frames.length} of ${n} responses`);
        await new Promise<void>((r) => (wake = r));
      }
      return frames.splice(0, n);
    },
  };
}

export async function openSocket(port: number, opened: Socket[]): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  opened.push(s);
  s.on('error', () => undefined);
  await new Promise((r) => s.once('connect', r));
  return s;
}

/** Resolves true once `socket` closes, false if it is still open after `deadlineMs`. */
export function closedWithin(socket: Socket, deadlineMs: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), deadlineMs);
    socket.once('close', () => (clearTimeout(timer), resolve(true)));
  });
}

/** Polls `condition` every few milliseconds until it holds; rejects after `deadlineMs`. */
export async function until(condition: () => boolean, deadlineMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
