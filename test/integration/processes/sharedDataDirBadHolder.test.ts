/**
 * A dataDir whose holder answers with another protocol or hand-off version: the native binder
 * fails with SharedDataDirProtocolError naming the directory and the holder's pid, instead of
 * pointing a Kafka client at it. Fake holders here listen on the directory's election socket.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeBinder } from '../../../src/binder/native/NativeBinder';
import { electionAddress } from '../../../src/binder/native/sharedDataDir/election';
import { SharedDataDirProtocolError } from '../../../src/binder/native/sharedDataDir/errors';
import { createBinder } from '../../../src/binder/registry';
import { silentLogger } from '../../../src/logging';
import { CapturingLogger } from '../../support/capturingLogger';

const silent = silentLogger;

function listen(address: string | number, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer(onConnection);
    server.once('error', reject);
    if (typeof address === 'number') server.listen(address, '127.0.0.1', () => resolve(server));
    else server.listen(address, () => resolve(server));
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('a dataDir held by a process speaking something else', () => {
  let dataDir: string;
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): net.Socket => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    return socket;
  };
  const HOLDER_PID = 4242;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-badholder-'));
    fs.writeFileSync(path.join(dataDir, '.lock'), `${HOLDER_PID}\n${os.hostname()}\n`);
  });

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await Promise.all(servers.splice(0).map(closeServer));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function bindFails(): Promise<SharedDataDirProtocolError> {
    const binder = new NativeBinder({ dataDir }, silent);
    try {
      const error = await binder.bindProducer('t').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SharedDataDirProtocolError);
      return error as SharedDataDirProtocolError;
    } finally {
      await binder.close();
    }
  }

  it('garbage on the election socket: the error names the directory and the pid of its lock', async () => {
    servers.push(await listen(electionAddress(dataDir), (socket) => track(socket).end(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n\x00\xff garbage'))));
    const error = await bindFails();
    expect(error.code).toBe('SHARED_DATA_DIR_PROTOCOL');
    expect(error.message).toContain(`Data directory ${dataDir}`);
    expect(error.message).toContain(`process ${HOLDER_PID}`);
    expect(error.message).toContain('another protocol');
  });

  it('another hand-off version: the error says which', async () => {
    servers.push(
      await listen(electionAddress(dataDir), (socket) => track(socket).write(`bindery-datadir 7 ${JSON.stringify({ pid: HOLDER_PID, host: '127.0.0.1', port: 1 })}\n`)),
    );
    const error = await bindFails();
    expect(error.message).toContain(`process ${HOLDER_PID}`);
    expect(error.message).toContain('hand-off version 7');
  });

  it('an announced port that answers a Kafka request with garbage: the error names the pid it announced', async () => {
    const garbage = await listen(0, (socket) => track(socket).on('data', () => socket.write(Buffer.from('\xff\xff\xff\xffnot kafka at all'))));
    servers.push(garbage);
    const port = (garbage.address() as net.AddressInfo).port;
    servers.push(
      await listen(electionAddress(dataDir), (socket) => track(socket).write(`bindery-datadir 1 ${JSON.stringify({ pid: 5151, host: '127.0.0.1', port })}\n`)),
    );
    const error = await bindFails();
    expect(error.message).toContain(`Data directory ${dataDir}`);
    expect(error.message).toContain('process 5151');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });
});

describe('the in-memory native binder', () => {
  it('says at start-up, once, that it is local to the process and how processes share a dataDir', async () => {
    const logger = new CapturingLogger();
    const infoLines = (): string[] => logger.lines.filter((l) => l.startsWith('INFO '));
    const binder = await createBinder('native', {}, logger);
    try {
      await binder.provisionTopic('t', 1);
      await binder.bindProducer('t');
      expect(infoLines()).toHaveLength(1);
      expect(infoLines()[0]).toContain('in this process only');
      expect(infoLines()[0]).toContain('the same binders.native.dataDir');
    } finally {
      await binder.close();
    }
  });
});
