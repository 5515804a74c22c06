import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { DiskFileSystem } from '../../../src/broker/storage/DiskFileSystem';
import type { FileSystem } from '../../../src/broker/storage/FileSystem';
import { PRODUCER_STATE_FILE } from '../../../src/broker/partition/Partition';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { fetchOne, headers, makeBatch, produceOne, readAll } from './support/batches';

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.each([
  ['memory', () => ({ fs: new MemoryFileSystem() as FileSystem, dataDir: '/data' })],
  [
    'disk',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-broker-'));
      tmpDirs.push(dir);
      return { fs: new DiskFileSystem() as FileSystem, dataDir: dir };
    },
  ],
])('broker restart (%s)', (_kind, storage) => {
  it('keeps topics, configs, data and producer state', async () => {
    const where = storage();
    const first = await Broker.open(where);
    await first.createTopics({ topics: [{ name: 'ledger', numPartitions: 3, configs: [{ name: 'retention.ms', value: '3600000' }] }] });
    const { producerId } = await first.initProducerId({});
    const b0 = makeBatch({ count: 3, producerId, producerEpoch: 0, baseSequence: 0 });
    const retryLater = Buffer.from(b0);
    expect((await produceOne(first, 'ledger', 2, b0)).baseOffset).toBe(0);
    expect((await produceOne(first, 'ledger', 2, makeBatch({ count: 2, producerId, producerEpoch: 0, baseSequence: 3 }))).baseOffset).toBe(3);
    const before = (await first.metadata({ topics: [{ name: 'ledger' }] })).topics[0];
    await first.close();

    const second = await Broker.open(where);
    try {
      const after = (await second.metadata({ topics: [{ name: 'ledger' }], allowAutoTopicCreation: false })).topics[0];
      expect(after).toEqual(before);
      expect(second.clusterId).toBe(first.clusterId);
      const cfg = await second.describeConfigs({ resources: [{ resourceType: 2, resourceName: 'ledger', configurationKeys: ['retention.ms'] }] });
      expect(cfg.results[0].configs[0]).toMatchObject({ name: 'retention.ms', value: '3600000', isDefault: false });
      expect((await readAll(second, 'ledger', 2)).map((h) => [h.baseOffset, h.baseSequence])).toEqual([
        [0, 0],
        [3, 3],
      ]);
      // The retry of an acknowledged batch still maps to its original offset, and the sequence continues.
      expect(await produceOne(second, 'ledger', 2, retryLater)).toMatchObject({ errorCode: 0, baseOffset: 0 });
      expect(await produceOne(second, 'ledger', 2, makeBatch({ producerId, producerEpoch: 0, baseSequence: 4 }))).toMatchObject({
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      });
      expect(await produceOne(second, 'ledger', 2, makeBatch({ producerId, producerEpoch: 0, baseSequence: 5 }))).toMatchObject({ errorCode: 0, baseOffset: 5 });
      // Producer ids handed out before the restart are never handed out again.
      expect((await second.initProducerId({})).producerId).not.toBe(producerId);
      expect((await second.metadata({ topics: [{ name: '__consumer_offsets' }] })).topics[0].partitions).toHaveLength(50);
    } finally {
      await second.close();
    }
  });

  it('rebuilds producer state from the log when no snapshot is there', async () => {
    const where = storage();
    const first = await Broker.open(where);
    const { producerId } = await first.initProducerId({});
    const batch = makeBatch({ count: 2, producerId, producerEpoch: 0, baseSequence: 0 });
    const retry = Buffer.from(batch);
    await produceOne(first, 'rebuild', 0, batch);
    await produceOne(first, 'rebuild', 0, makeBatch({ count: 1 }));
    await first.close();
    const snapshot = `${where.dataDir}/rebuild-0/${PRODUCER_STATE_FILE}`;
    expect(where.fs.exists(snapshot)).toBe(true);
    where.fs.remove(snapshot);

    const second = await Broker.open(where);
    try {
      expect(await produceOne(second, 'rebuild', 0, retry)).toMatchObject({ errorCode: 0, baseOffset: 0 });
      expect(await produceOne(second, 'rebuild', 0, makeBatch({ producerId, producerEpoch: 0, baseSequence: 2 }))).toMatchObject({ errorCode: 0, baseOffset: 3 });
      const all = headers((await fetchOne(second, 'rebuild', 0, 0)).records);
      expect(all.map((h) => h.baseOffset)).toEqual([0, 2, 3]);
    } finally {
      await second.close();
    }
  });

  it('keeps the log start offset moved by DeleteRecords and forgets deleted topics', async () => {
    const where = storage();
    const first = await Broker.open({ ...where, config: { topicDefaults: { 'segment.bytes': '200' } } });
    for (let i = 0; i < 6; i++) await produceOne(first, 'trim', 0, makeBatch({ count: 2, valueSize: 50 }));
    const del = await first.deleteRecords({ topics: [{ name: 'trim', partitions: [{ partitionIndex: 0, offset: 4 }] }] });
    expect(del.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 4 });
    await produceOne(first, 'gone', 0, makeBatch());
    await first.deleteTopics({ topicNames: ['gone'] });
    await first.close();

    const second = await Broker.open(where);
    try {
      expect((await fetchOne(second, 'trim', 0, 0)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
      expect((await fetchOne(second, 'trim', 0, 4)).logStartOffset).toBe(4);
      const meta = await second.metadata({ topics: [{ name: 'gone' }], allowAutoTopicCreation: false });
      expect(meta.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      await second.close();
    }
  });
});

describe('broker crash', () => {
  it('a copy of a running broker\'s data dir (a crash image) opens with its topics, data and producer state', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-crash-'));
    tmpDirs.push(dir);
    const running = await Broker.open({ dataDir: path.join(dir, 'live') });
    try {
      const { producerId } = await running.initProducerId({});
      const batch = makeBatch({ count: 4, producerId, producerEpoch: 0, baseSequence: 0 });
      const retry = Buffer.from(batch);
      await produceOne(running, 'crashy', 0, batch);
      await produceOne(running, 'crashy', 0, makeBatch({ count: 4, producerId, producerEpoch: 0, baseSequence: 4 }));
      fs.cpSync(path.join(dir, 'live'), path.join(dir, 'image'), { recursive: true });

      const recovered = await Broker.open({ dataDir: path.join(dir, 'image') });
      try {
        expect((await readAll(recovered, 'crashy', 0)).map((h) => h.baseOffset)).toEqual([0, 4]);
        expect(await produceOne(recovered, 'crashy', 0, retry)).toMatchObject({ errorCode: 0, baseOffset: 0 });
        expect(await produceOne(recovered, 'crashy', 0, makeBatch({ producerId, producerEpoch: 0, baseSequence: 8 }))).toMatchObject({ errorCode: 0, baseOffset: 8 });
        expect((await recovered.initProducerId({})).producerId).not.toBe((await running.initProducerId({})).producerId);
      } finally {
        await recovered.close();
      }
    } finally {
      await running.close();
    }
  });
});


describe('broker metadata', () => {
  it('refuses to start over an unreadable metadata file, saying what to do', async () => {
    const memory = new MemoryFileSystem();
    memory.mkdirp('/data');
    memory.writeFileAtomic('/data/bindery-metadata.json', Buffer.from('{ not json'));
    await expect(Broker.open({ fs: memory, dataDir: '/data' })).rejects.toThrow(/bindery-metadata.json is unreadable .*restore it from a backup/);
  });
});

describe('data directory lock', () => {
  it('refuses a second broker on the same directory until the first closes', async () => {
    const memory = new MemoryFileSystem();
    const first = await Broker.open({ fs: memory, dataDir: '/data' });
    await expect(Broker.open({ fs: memory, dataDir: '/data' })).rejects.toThrow(/\/data is in use by another broker in this process/);
    await first.close();
    const second = await Broker.open({ fs: memory, dataDir: '/data' });
    await second.close();
  });

  it('refuses a directory locked by a live process and takes over one whose process is gone', async () => {
    const { spawnSync } = await import('node:child_process');
    const memory = new MemoryFileSystem();
    memory.mkdirp('/data');
    memory.writeFileAtomic('/data/.lock', Buffer.from(`${process.ppid}\n${os.hostname()}\n`));
    await expect(Broker.open({ fs: memory, dataDir: '/data' })).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    memory.writeFileAtomic('/data/.lock', Buffer.from(`${exited.stdout}\n${os.hostname()}\n`));
    const broker = await Broker.open({ fs: memory, dataDir: '/data' });
    await broker.close();
    expect(memory.exists('/data/.lock')).toBe(false);
  });
});
