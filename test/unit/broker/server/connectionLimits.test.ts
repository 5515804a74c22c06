import type { Socket } from 'node:net';
import { KafkaServer } from '../../../../src/broker/server/KafkaServer';
import type { ApiHandler } from '../../../../src/broker/server/types';
import { closedWithin, openSocket, toyCodec, toyRequest, toyResponses, until } from '../../../support/toy-wire';

/** Handlers that wait at a named gate until the test opens it. */
function gatedHandlers() {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const opened = new Set<string>();
  const wait = (body: string) => (opened.has(body) ? Promise.resolve() : new Promise<void>((r) => gates.set(body, r)));
  const open = (body: string) => {
    opened.add(body);
    gates.get(body)?.();
  };
  const echo: ApiHandler = {
    apiKey: 1, name: 'Echo', minVersion: 0, maxVersion: 0,
    handle: async (body: string) => {
      const name = body.split('|')[0];
      started.push(name);
      if (name.startsWith('wait:')) await wait(name);
      return `re:${name}`;
    },
  };
  /** Answers with 1 MiB, as a fetch of 1 MiB would. */
  const big: ApiHandler = {
    apiKey: 3, name: 'Big', minVersion: 0, maxVersion: 0,
    handle: async (body: string) => {
      started.push(body);
      await wait(body);
      return Buffer.alloc(MiB, body.charCodeAt(body.length - 1));
    },
  };
  /** Stands in for SaslAuthenticate (key 36): authenticates the connection. */
  const authenticate: ApiHandler = {
    apiKey: 36, name: 'Auth', minVersion: 0, maxVersion: 0,
    handle: (_body: string, ctx) => {
      ctx.connection.principal = 'User:test';
      return 'ok';
    },
  };
  const apiVersions: ApiHandler = { apiKey: 18, name: 'ApiVersions', minVersion: 0, maxVersion: 0, handle: () => 'versions' };
  return { started, open, handlers: [echo, big, authenticate, apiVersions] };
}

const MiB = 1024 * 1024;

describe('KafkaServer connection limits', () => {
  const sockets: Socket[] = [];
  const servers: KafkaServer<unknown>[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const server of servers.splice(0)) await server.close(100);
  });
  async function serve(opts: Partial<ConstructorParameters<typeof KafkaServer>[0]>, handlers: ApiHandler[]) {
    const server = new KafkaServer({ codec: toyCodec, handlers, services: {}, port: 0, ...opts });
    servers.push(server);
    const { port } = await server.listen();
    return { server, port };
  }

  it('closes a connection idle for connections.max.idle.ms, not one whose request is still being answered', async () => {
    const { open, handlers } = gatedHandlers();
    const { port } = await serve({ connectionsMaxIdleMs: 200 }, handlers);
    const busy = await openSocket(port, sockets);
    const answers = toyResponses(busy);
    busy.write(toyRequest(1, 0, 1, 'wait:long'));
    const idle = await openSocket(port, sockets);
    expect(await closedWithin(idle, 5000)).toBe(true);
    expect(busy.destroyed).toBe(false);
    open('wait:long');
    const [resp] = await answers.next(1);
    expect(resp.subarray(4).toString()).toBe('re:wait:long');
    // Once answered and silent, it is idle too.
    expect(await closedWithin(busy, 5000)).toBe(true);
  });

  it('closes a connection whose request frame does not complete within the frame timeout (a trickling sender)', async () => {
    const { handlers } = gatedHandlers();
    const { port } = await serve({ requestFrameTimeoutMs: 300 }, handlers);
    const slow = await openSocket(port, sockets);
    const answers = toyResponses(slow);
    const frame = toyRequest(1, 0, 1, 'x'.repeat(200));
    let sent = 0;
    const trickle = setInterval(() => sent < frame.length && !slow.destroyed && slow.write(frame.subarray(sent, ++sent)), 20);
    try {
      expect(await closedWithin(slow, 3000)).toBe(true);
    } finally {
      clearInterval(trickle);
    }
    expect(sent).toBeLessThan(frame.length);
    expect(answers.frames).toHaveLength(0);
  });

  it('accepts only small frames until the connection has authenticated', async () => {
    const { handlers } = gatedHandlers();
    const { port } = await serve({ authRequired: true, saslServerMaxReceiveSize: 1024, maxRequestBytes: MiB }, handlers);
    const stranger = await openSocket(port, sockets);
    const announced = Buffer.alloc(4);
    announced.writeInt32BE(512 * 1024, 0);
    stranger.write(announced);
    expect(await closedWithin(stranger, 5000)).toBe(true);

    const member = await openSocket(port, sockets);
    const answers = toyResponses(member);
    member.write(toyRequest(36, 0, 1, 'credentials'));
    expect((await answers.next(1))[0].subarray(4).toString()).toBe('ok');
    member.write(toyRequest(1, 0, 2, `large|${'y'.repeat(8192)}`));
    expect((await answers.next(1))[0].subarray(4).toString()).toBe('re:large');
  });

  it('stops starting requests while a connection has its response budget in flight, and resumes as the client reads', async () => {
    const { started, open, handlers } = gatedHandlers();
    const { port } = await serve(
      { maxResponseBytesPerConnection: 2 * MiB, responseBytesBound: (header) => (header.apiKey === 3 ? MiB : 0) },
      handlers,
    );
    const greedy = await openSocket(port, sockets);
    greedy.pause();
    const requests = Array.from({ length: 10 }, (_, i) => toyRequest(3, 0, i, `big${i}`));
    greedy.write(Buffer.concat(requests));
    await until(() => started.length >= 2, 5000, 'two requests started');
    // A round trip on another connection: the server has had every chance to start more.
    const other = await openSocket(port, sockets);
    const otherAnswers = toyResponses(other);
    other.write(toyRequest(1, 0, 1, 'ping'));
    await otherAnswers.next(1);
    expect(started.filter((b) => b.startsWith('big'))).toEqual(['big0', 'big1']);

    // Let every response complete; the client now reads, and all ten arrive in order.
    const opener = setInterval(() => started.forEach(open), 5);
    try {
      const answers = toyResponses(greedy);
      greedy.resume();
      const frames = await answers.next(10);
      expect(frames.map((f) => f.readInt32BE(0))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(frames.every((f) => f.length === 4 + MiB)).toBe(true);
    } finally {
      clearInterval(opener);
    }
  });

  it('stops reading requests once queued.max.request.bytes are held, and reads again when they are released', async () => {
    const { started, open, handlers } = gatedHandlers();
    const { server, port } = await serve({ queuedMaxRequestBytes: 64 * 1024, maxRequestBytes: 60 * 1024 }, handlers);
    const a = await openSocket(port, sockets);
    const aAnswers = toyResponses(a);
    a.write(toyRequest(1, 0, 1, `wait:a|${'a'.repeat(48 * 1024)}`));
    await until(() => started.includes('wait:a'), 5000, 'a started');
    const b = await openSocket(port, sockets);
    const bAnswers = toyResponses(b);
    // The pool has room left, so b is read even though it takes the pool past its size (as Kafka's pool does).
    b.write(toyRequest(1, 0, 2, `wait:b|${'b'.repeat(40 * 1024)}`));
    await until(() => started.includes('wait:b'), 5000, 'b started');
    const c = await openSocket(port, sockets);
    const cAnswers = toyResponses(c);
    c.write(toyRequest(1, 0, 3, 'c'));
    await until(() => server.requestMemory.waitingConnections === 1, 5000, 'c waiting for memory');
    expect(started).not.toContain('c');
    expect(server.requestMemory.queuedBytes).toBeGreaterThan(64 * 1024);

    open('wait:a');
    open('wait:b');
    await aAnswers.next(1);
    await bAnswers.next(1);
    expect((await cAnswers.next(1))[0].subarray(4).toString()).toBe('re:c');
    await until(() => server.requestMemory.queuedBytes === 0, 5000, 'the pool to empty');
  });
});
