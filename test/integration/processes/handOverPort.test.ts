/**
 * A successor serves on the port the last holder used when it can; when that port is taken it
 * serves on another, and a client binder follows the announcement there. Both holders live in
 * this process here (each with its own broker object), so the hand-over is driven by close().
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveNativeBinderConfig } from '../../../src/binder/native/config';
import { writeAnnouncementFile, type Announcement } from '../../../src/binder/native/sharedDataDir/announcement';
import { SharedDataDir } from '../../../src/binder/native/sharedDataDir/SharedDataDir';
import { SharedDataDirClientBinder } from '../../../src/binder/native/sharedDataDir/SharedDataDirClientBinder';
import { silentLogger } from '../../../src/logging';
import { Broker } from '../../../src/broker/Broker';

const silent = silentLogger;

describe('hand-over to another port', () => {
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a client binder sends to the successor on the port it announced', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-handover-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const options = { dataDir, openBroker: () => Broker.open({ dataDir, logger: silent }), logger: silent, handOffTimeoutMs: 20000 };
    const first = await SharedDataDir.open(options);
    cleanups.push(() => first.close());
    const second = await SharedDataDir.open(options);
    cleanups.push(() => second.close());
    expect(first.broker).not.toBeNull();
    expect(second.broker).toBeNull();

    const client = new SharedDataDirClientBinder(second, resolveNativeBinderConfig({ dataDir }), silent);
    cleanups.push(() => client.close());
    const producer = await client.bindProducer('moving', { partitionCount: 1 });
    expect(await producer.send({ value: Buffer.from('before') })).toMatchObject({ partition: 0, offset: 0 });

    // The port the next holder would reuse is taken.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const blockedPort = (blocker.address() as net.AddressInfo).port;
    writeAnnouncementFile(dataDir, { ...first.announcement, port: blockedPort });

    const announced = new Promise<Announcement>((resolve) => second.onAnnouncement(resolve));
    await first.close();
    const next = await announced;
    expect(next.pid).toBe(process.pid);
    expect(next.port).not.toBe(blockedPort);

    expect(await producer.send({ value: Buffer.from('after') })).toMatchObject({ partition: 0, offset: 1 });
    expect(second.broker!.partition('moving', 0)!.log.logEndOffset).toBe(2);
  });
});
