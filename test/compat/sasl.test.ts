import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ApiKey, decodeResponse, encodeRequestFrame } from '../../src/protocol';
import { closedWithin, unfinishedFrame } from '../support/abusive-clients';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { commandWorks } from '../support/peers';
import { killAll, run } from '../support/processes';
import { closedWithin as socketClosedWithin } from '../support/toy-wire';

const CLI = join(__dirname, '..', '..', 'bin', 'bindery.js');

interface RawLogin {
  socket: Socket;
  errorCode: number;
  /** When the SaslAuthenticate answer arrived (ms, performance.now). */
  answeredAt: number;
}

/** SaslHandshake v1 (PLAIN) then SaslAuthenticate v1 on a raw socket; resolves with the authentication answer. */
async function rawPlainLogin(port: number, user: string, password: string): Promise<RawLogin> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  const frames: Buffer[] = [];
  let buf = Buffer.alloc(0);
  let wake: () => void = () => undefined;
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      frames.push(buf.subarray(4, 4 + buf.readInt32BE(0)));
      buf = buf.subarray(4 + buf.readInt32BE(0));
    }
    wake();
  });
  const next = async (n: number) => {
    while (frames.length < n) await new Promise<void>((r) => (wake = r));
  };
  socket.write(encodeRequestFrame({ apiKey: ApiKey.SaslHandshake, apiVersion: 1, correlationId: 1, clientId: 'raw' }, { mechanism: 'PLAIN' }));
  await next(1);
  const token = Buffer.from(`\u0000${user}\u0000${password}`);
  socket.write(encodeRequestFrame({ apiKey: ApiKey.SaslAuthenticate, apiVersion: 1, correlationId: 2, clientId: 'raw' }, { authBytes: token }));
  await next(2);
  const answeredAt = performance.now();
  return { socket, errorCode: decodeResponse(ApiKey.SaslAuthenticate, 1, frames[1], 4).errorCode, answeredAt };
}

describe('bindery broker with SASL/PLAIN', () => {
  let broker: TestBroker;
  jest.setTimeout(120000);
  beforeAll(async () => (broker = await startTestBroker({ args: ['--sasl-plain-user', 'alice:s3cret'] })));
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });
  const client = (password: string) =>
    new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: 'alice', password } });

  it('accepts the configured user', async () => {
    const producer = client('s3cret').producer();
    await producer.connect();
    const [result] = await producer.send({ topic: 'sasl-topic', messages: [{ value: 'authenticated' }] });
    expect(result.errorCode).toBe(0);
    await producer.disconnect();
  });

  it('rejects a wrong password', async () => {
    const admin = client('wrong').admin();
    await expect(admin.connect()).rejects.toThrow(/SASL PLAIN authentication failed|Authentication failed/i);
  });

  it('closes a connection that sends requests before authenticating', async () => {
    const socket = connect(broker.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // Metadata v0 request for every topic: header (key 3, version 0, correlation 1, client id "x"), empty topic array.
    const frame = Buffer.from([0, 0, 0, 15, 0, 3, 0, 0, 0, 0, 0, 1, 0, 1, 0x78, 0, 0, 0, 0]);
    let answered = false;
    socket.on('data', () => (answered = true));
    socket.write(frame);
    await new Promise((r) => socket.once('close', r));
    expect(answered).toBe(false);
  });

  it('closes the connection after a failed authentication', async () => {
    const login = await rawPlainLogin(broker.port, 'alice', 'guess');
    expect(login.errorCode).toBe(58); // SASL_AUTHENTICATION_FAILED
    expect(await socketClosedWithin(login.socket, 10000)).toBe(true);
  });

  it('closes an unauthenticated client that announces a large frame, before the frame arrives', async () => {
    const strangers = await Promise.all(Array.from({ length: 5 }, () => unfinishedFrame({ port: broker.port, declaredBytes: 99 * 1024 * 1024, sendBytes: 4 * 1024 * 1024 })));
    try {
      const closed = await Promise.all(strangers.map((s) => closedWithin(s, 10000)));
      expect(closed).toEqual([true, true, true, true, true]);
      // The broker still serves authenticated clients.
      const admin = client('s3cret').admin();
      await admin.connect();
      expect(Array.isArray(await admin.listTopics())).toBe(true);
      await admin.disconnect();
    } finally {
      for (const s of strangers) s.destroy();
    }
  });

  (commandWorks('kcat', ['-V']) ? it : it.skip)('lets kcat authenticate with PLAIN', async () => {
    const sasl = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', 'sasl.password=s3cret'];
    expect((await run('kcat', ['-b', broker.bootstrap, ...sasl, '-P', '-t', 'sasl-kcat'], { input: 'hello\n' })).code).toBe(0);
    const consumed = await run('kcat', ['-b', broker.bootstrap, ...sasl, '-C', '-t', 'sasl-kcat', '-o', 'beginning', '-e', '-q']);
    expect(consumed.stdout).toBe('hello\n');
  });
});

describe('bindery broker SASL/PLAIN settings', () => {
  jest.setTimeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'bindery-sasl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const login = async (b: TestBroker, username: string, password: string) => {
    const admin = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username, password } }).admin();
    await admin.connect();
    await admin.listTopics();
    await admin.disconnect();
  };

  it('answers repeated failed authentications from one address no sooner than connection.failed.authentication.delay.ms apart', async () => {
    const b = await startTestBroker({ args: ['--sasl-plain-user', 'alice:s3cret', '--connection-failed-authentication-delay-ms', '300'] });
    try {
      const started = performance.now();
      const logins = await Promise.all([0, 1, 2].map(() => rawPlainLogin(b.port, 'alice', 'guess')));
      for (const l of logins) l.socket.destroy();
      expect(logins.every((l) => l.errorCode === 58)).toBe(true);
      // The first failure is answered a delay after it arrives, each further one a delay after the one before.
      const after = logins.map((l) => l.answeredAt - started).sort((x, y) => x - y);
      expect(after[0]).toBeGreaterThanOrEqual(300 - 5);
      expect(after[1]).toBeGreaterThanOrEqual(600 - 5);
      expect(after[2]).toBeGreaterThanOrEqual(900 - 5);
      // A correct password is not delayed behind them.
      await login(b, 'alice', 's3cret');
    } finally {
      await b.stop();
    }
  });

  it('reads users from --sasl-plain-users-file and from BINDERY_SASL_PLAIN_USERS, and warns about passwords on the command line', async () => {
    const file = join(dir, 'users');
    writeFileSync(file, '# user:password, one a line\nbob:pa:ss\n\ndave:d1\n', { mode: 0o600 });
    const fromFile = await startTestBroker({ args: ['--sasl-plain-users-file', file] });
    try {
      await login(fromFile, 'bob', 'pa:ss');
      await login(fromFile, 'dave', 'd1');
      expect(fromFile.output()).not.toMatch(/warning/i);
    } finally {
      await fromFile.stop();
    }
    const fromEnv = await startTestBroker({ env: { ...process.env, BINDERY_SASL_PLAIN_USERS: 'carol:c4rol' } });
    try {
      await login(fromEnv, 'carol', 'c4rol');
      await expect(login(fromEnv, 'carol', 'wrong')).rejects.toThrow(/authentication failed/i);
    } finally {
      await fromEnv.stop();
    }
    const fromArgv = await startTestBroker({ args: ['--sasl-plain-user', 'erin:e'] });
    try {
      await login(fromArgv, 'erin', 'e');
      expect(fromArgv.output()).toMatch(/warning: --sasl-plain-user .*process list.*--sasl-plain-users-file/i);
    } finally {
      await fromArgv.stop();
    }
  });

  it('refuses --host 0.0.0.0 without --advertised-host, as Kafka refuses to advertise 0.0.0.0', async () => {
    const res = await run(process.execPath, [CLI, 'broker', '--memory', '--port', '0', '--host', '0.0.0.0'], { timeoutMs: 20000 });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--advertised-host/);
  });
});
