import { connect, type Socket } from 'node:net';
import { KafkaServer } from '../../../../src/broker/server/KafkaServer';
import { NO_RESPONSE, type ApiHandler, type WireCodec } from '../../../../src/broker/server/types';

/** A toy codec: header = apiKey:int16 version:int16 correlationId:int32, body = the rest as text. */
const codec: WireCodec = {
  decodeHeader: (f) => ({ apiKey: f.readInt16BE(0), apiVersion: f.readInt16BE(2), correlationId: f.readInt32BE(4), clientId: null, bodyOffset: 8 }),
  decodeBody: (_h, f, off) => f.subarray(off).toString(),
  encodeResponse: (h, body) => {
    const c = Buffer.alloc(8);
    const text = Buffer.from(String(body));
    c.writeInt32BE(4 + text.length, 0);
    c.writeInt32BE(h.correlationId, 4);
    return [c, text];
  },
};

const gates = new Map<string, () => void>();
const echo: ApiHandler = {
  apiKey: 1, name: 'Echo', minVersion: 0, maxVersion: 2,
  handle: async (body: string) => {
    if (body.startsWith('wait:')) await new Promise<void>((r) => gates.set(body, r));
    if (body === 'silent') return NO_RESPONSE;
    return `re:${body}`;
  },
};

/** Echo that also asks to be told when its response's buffers are released. */
const released = new Map<string, Promise<void>>();
const releasedNow = new Set<string>();
const tracked: ApiHandler = {
  apiKey: 2, name: 'Tracked', minVersion: 0, maxVersion: 0,
  handle: async (body: string, ctx) => {
    released.set(body, new Promise<void>((resolve) => ctx.afterResponseWritten(() => (releasedNow.add(body), resolve()))));
    if (body.startsWith('wait:')) await new Promise<void>((r) => gates.set(body, r));
    if (body === 'silent') return NO_RESPONSE;
    return `re:${body}`;
  },
};

/** Until the tracked handler has been called with `body`. */
async function handlerStarted2(body: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setInterval(() => released.has(body) && (clearInterval(t), resolve()), 5);
  });
}

/** Until a handler waits at the gate named `body`. */
async function handlerStarted(body: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setInterval(() => gates.has(body) && (clearInterval(t), resolve()), 5);
  });
}

function request(apiKey: number, version: number, corr: number, body: string): Buffer {
  const payload = Buffer.concat([Buffer.alloc(8), Buffer.from(body)]);
  payload.writeInt16BE(apiKey, 0);
  payload.writeInt16BE(version, 2);
  payload.writeInt32BE(corr, 4);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

/** Collects response frames from a socket. */
function responses(sock: Socket): { frames: Buffer[]; next(n: number): Promise<Buffer[]>; closed: Promise<void> } {
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
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  return {
    frames,
    closed,
    async next(n) {
      while (frames.length < n) await new Promise<void>((r) => (wake = r));
      return frames.splice(0, n);
    },
  };
}

describe('KafkaServer', () => {
  const server = new KafkaServer({ codec, handlers: [echo], services: {}, port: 0, maxRequestBytes: 1024 });
  let port = 0;
  const sockets: Socket[] = [];
  const open = async () => {
    const s = connect(port, '127.0.0.1');
    sockets.push(s);
    await new Promise((r) => s.once('connect', r));
    return s;
  };
  beforeAll(async () => ({ port } = await server.listen()));
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await server.close(100);
  });

  it('answers in request order even when the first handler finishes last', async () => {
    const s = await open();
    const r = responses(s);
    s.write(Buffer.concat([request(1, 0, 1, 'wait:a'), request(1, 0, 2, 'quick')]));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => gates.has('wait:a') && (clearInterval(t), resolve()), 5);
    });
    expect(r.frames).toHaveLength(0);
    gates.get('wait:a')!();
    const [first, second] = await r.next(2);
    expect(first.readInt32BE(0)).toBe(1);
    expect(second.subarray(4).toString()).toBe('re:quick');
  });

  it('sends nothing for a request its handler declares response-less', async () => {
    const s = await open();
    const r = responses(s);
    s.write(Buffer.concat([request(1, 0, 7, 'silent'), request(1, 0, 8, 'after')]));
    const [only] = await r.next(1);
    expect(only.readInt32BE(0)).toBe(8);
  });

  it('answers an unknown ApiVersions version with error 35 in the v0 layout', async () => {
    const s = await open();
    const r = responses(s);
    s.write(request(18, 99, 42, ''));
    const [resp] = await r.next(1);
    expect(resp.readInt32BE(0)).toBe(42);
    expect(resp.readInt16BE(4)).toBe(35);
    expect(resp.readInt32BE(6)).toBe(1);
    expect([resp.readInt16BE(10), resp.readInt16BE(12), resp.readInt16BE(14)]).toEqual([1, 0, 2]);
  });

  it('closes only the connection that sends an oversized frame or an unknown api', async () => {
    const good = await open();
    const r = responses(good);
    const big = await open();
    const bigClosed = responses(big).closed;
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(2048, 0);
    big.write(huge);
    await bigClosed;
    const unknown = await open();
    const unknownClosed = responses(unknown).closed;
    unknown.write(request(999, 0, 1, 'x'));
    await unknownClosed;
    good.write(request(1, 1, 3, 'still here'));
    const [resp] = await r.next(1);
    expect(resp.subarray(4).toString()).toBe('re:still here');
  });

  describe('afterResponseWritten', () => {
    const trackedServer = new KafkaServer({ codec, handlers: [tracked], services: {}, port: 0, maxRequestBytes: 1024 });
    let trackedPort = 0;
    beforeAll(async () => ({ port: trackedPort } = await trackedServer.listen()));
    afterAll(() => trackedServer.close(100));
    const open = async () => {
      const s = connect(trackedPort, '127.0.0.1');
      sockets.push(s);
      await new Promise((r) => s.once('connect', r));
      return s;
    };

    it('runs once the response has been written, not while the handler is still working', async () => {
      const s = await open();
      const r = responses(s);
      s.write(request(2, 0, 1, 'wait:written'));
      await handlerStarted('wait:written');
      expect(releasedNow.has('wait:written')).toBe(false);
      gates.get('wait:written')!();
      const [resp] = await r.next(1);
      expect(resp.subarray(4).toString()).toBe('re:wait:written');
      await released.get('wait:written');
    });

    it('runs for a request that gets no response', async () => {
      const s = await open();
      s.write(request(2, 0, 2, 'silent'));
      await handlerStarted2('silent');
      await released.get('silent');
    });

    it('runs when the client goes away before the answer', async () => {
      const s = await open();
      s.write(request(2, 0, 3, 'wait:gone'));
      await handlerStarted('wait:gone');
      s.destroy();
      await released.get('wait:gone');
      expect(releasedNow.has('wait:gone')).toBe(true);
      gates.get('wait:gone')!(); // the late answer has nowhere to go and is dropped
    });
  });
});
