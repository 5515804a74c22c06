/**
 * The broker on a failing or full disk (MemoryFileSystem with injected faults and a capacity):
 * storage errors reach producers as KAFKA_STORAGE_ERROR and are logged; a full disk leaves the
 * broker read-only (fetch works, produce is refused) instead of down; DeleteTopics frees space on
 * a full disk; close() always closes every log and releases the data directory.
 */
import { Broker } from '../../../src/broker/Broker';
import type { Log } from '../../../src/broker/log/Log';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { METADATA_JOURNAL_FILE } from '../../../src/broker/topics/MetadataStore';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { fetchOne, headers, makeBatch, produceOne, readAll } from './support/batches';
import { warningsInto } from '../../support/capturingLogger';

const DATA = '/data';

async function openBroker(fs: MemoryFileSystem, warnings: string[] = []): Promise<Broker> {
  return Broker.open({ fs, dataDir: DATA, logger: warningsInto(warnings), logCleaner: null });
}

async function topicNames(broker: Broker): Promise<string[]> {
  return (await broker.metadata({ topics: null })).topics.map((t) => t.name).filter((n) => !n.startsWith('__')).sort();
}

/** Produces 1 KiB batches until the disk refuses one; returns the acknowledged base offsets. */
async function produceUntilFull(broker: Broker, topic: string): Promise<{ acked: number[]; refusal: { errorCode: number; errorMessage: string | null } }> {
  const acked: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    const r = await produceOne(broker, topic, 0, makeBatch({ count: 1, valueSize: 1024 }));
    if (r.errorCode !== ErrorCode.NONE) return { acked, refusal: r };
    acked.push(r.baseOffset);
  }
  throw new Error('the disk never filled');
}

describe('broker storage faults', () => {
  it('a failed append reaches the producer as KAFKA_STORAGE_ERROR and is logged with topic, partition and cause', async () => {
    const fs = new MemoryFileSystem();
    const warnings: string[] = [];
    const broker = await openBroker(fs, warnings);
    await broker.createTopics({ topics: [{ name: 'orders', numPartitions: 2 }] });
    fs.injectFault({ op: 'append', path: /\/orders-1\/\d+\.log$/, code: 'EIO' });
    expect((await produceOne(broker, 'orders', 0, makeBatch())).errorCode).toBe(ErrorCode.NONE);
    const failed = await produceOne(broker, 'orders', 1, makeBatch());
    expect(failed.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(failed.errorMessage).toContain('EIO');
    const logged = warnings.filter((w) => w.includes('orders') && w.includes('EIO'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/orders-1|partition 1/);
    fs.clearFaults();
    await broker.close();
  });

  it('a failed auto-create answers KAFKA_STORAGE_ERROR and leaves no topic behind; the next produce creates it whole', async () => {
    const fs = new MemoryFileSystem();
    const broker = await openBroker(fs);
    // a topic's creation is recorded by an append to the metadata journal
    fs.injectFault({ op: 'append', path: METADATA_JOURNAL_FILE, code: 'ENOSPC', times: 1 });
    const refused = await produceOne(broker, 'fresh', 0, makeBatch());
    expect(refused.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(await topicNames(broker)).toEqual([]);
    const created = await produceOne(broker, 'fresh', 0, makeBatch());
    expect([created.errorCode, created.baseOffset]).toEqual([ErrorCode.NONE, 0]);
    const meta = await broker.metadata({ topics: [{ name: 'fresh' }], allowAutoTopicCreation: false });
    expect(meta.topics[0].partitions).toHaveLength(1);
    await broker.close();
  });

  it('DeleteTopics on a full disk frees the topic files and forgets the topic, also after a restart', async () => {
    const fs = new MemoryFileSystem();
    const broker = await openBroker(fs);
    await broker.createTopics({ topics: [{ name: 'keep', numPartitions: 1 }, { name: 'big', numPartitions: 1 }] });
    await produceOne(broker, 'keep', 0, makeBatch());
    fs.setCapacity(fs.usedBytes + 64 * 1024);
    const { refusal } = await produceUntilFull(broker, 'big');
    expect(refusal.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    fs.setCapacity(fs.usedBytes); // not a byte left
    const usedWhenFull = fs.usedBytes;
    const res = await broker.deleteTopics({ topicNames: ['big'] });
    expect(res.responses[0]).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(fs.usedBytes).toBeLessThan(usedWhenFull - 32 * 1024);
    expect(fs.list(DATA).filter((n) => n.startsWith('big-'))).toEqual([]);
    expect(await topicNames(broker)).toEqual(['keep']);
    await broker.close();
    const reopened = await openBroker(fs);
    expect(await topicNames(reopened)).toEqual(['keep']);
    await reopened.close();
  });

  it('starts on a full disk read-only: fetch serves every acknowledged record, produce is refused until space returns', async () => {
    const fs = new MemoryFileSystem();
    const first = await openBroker(fs);
    fs.setCapacity(fs.usedBytes + 64 * 1024);
    const { acked } = await produceUntilFull(first, 'orders');
    expect(acked.length).toBeGreaterThan(10);
    await first.close();
    fs.setCapacity(fs.usedBytes); // not a byte left
    const warnings: string[] = [];
    const broker = await openBroker(fs, warnings);
    expect((await readAll(broker, 'orders', 0)).map((h) => h.baseOffset)).toEqual(acked);
    expect(warnings.some((w) => w.includes('ENOSPC'))).toBe(true);
    fs.setCapacity(fs.usedBytes); // opening may have freed a little (indexes rebuilt): the disk stays full
    const refused = await produceOne(broker, 'orders', 0, makeBatch());
    expect(refused.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    fs.setCapacity(null);
    const after = await produceOne(broker, 'orders', 0, makeBatch());
    expect([after.errorCode, after.baseOffset]).toEqual([ErrorCode.NONE, acked.length]);
    await broker.close();
    const reopened = await openBroker(fs);
    expect((await readAll(reopened, 'orders', 0)).map((h) => h.baseOffset)).toEqual([...acked, acked.length]);
    await reopened.close();
  });

  it('close() closes every log and releases the data directory even when a producer-state snapshot or a checkpoint cannot be written', async () => {
    const fs = new MemoryFileSystem();
    const warnings: string[] = [];
    const broker = await openBroker(fs, warnings);
    await broker.createTopics({ topics: [{ name: 'a', numPartitions: 1 }, { name: 'b', numPartitions: 1 }] });
    await produceOne(broker, 'a', 0, makeBatch());
    await produceOne(broker, 'b', 0, makeBatch());
    const logs = ['a', 'b'].map((t) => broker.partition(t, 0)!.log as Log);
    fs.injectFault({ op: 'writeFileAtomic', path: /\/a-0\/bindery-producer-state\.json$/, code: 'ENOSPC' });
    fs.injectFault({ op: 'writeFileAtomic', path: 'recovery-point-offset-checkpoint', code: 'EIO' });
    await broker.close();
    expect(logs.map((l) => l.isClosed)).toEqual([true, true]);
    expect(warnings.some((w) => w.includes('a-0') && w.includes('ENOSPC'))).toBe(true);
    expect(warnings.some((w) => w.includes('checkpoint') && w.includes('EIO'))).toBe(true);
    fs.clearFaults();
    const reopened = await openBroker(fs);
    const f = await fetchOne(reopened, 'b', 0, 0);
    expect(headers(f.records).map((h) => h.baseOffset)).toEqual([0]);
    await reopened.close();
  });
});
