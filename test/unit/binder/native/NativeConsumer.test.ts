/** Consumer behaviour beyond the shared contract: liveness during long handlers, resets, patterns, shared brokers. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { NativeBinder } from '../../../../src/binder/native';
import { createBinder } from '../../../../src/binder/registry';
import { Collector, gate, relay, waitUntil } from '../../../integration/binder-contract/contractSupport';
import { CapturingLogger } from '../../../support/capturingLogger';

const texts = (c: Collector) => c.values();

async function waitUntilBoth(a: Collector, b: Collector, count: number): Promise<void> {
  const either = relay([a, b], ['record']);
  await waitUntil(either, 'any', () => a.records.length + b.records.length >= count, `${count} records`);
}

describe('native consumer', () => {
  let broker: Broker;
  let binder: NativeBinder;
  let logger: CapturingLogger;

  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 10 } });
    logger = new CapturingLogger();
    binder = new NativeBinder({ broker }, logger);
  });
  afterEach(async () => {
    await binder.close();
    await broker.close();
  });

  async function produce(topic: string, values: string[], partitionCount = 1): Promise<void> {
    const producer = await binder.bindProducer(topic, { partitionCount });
    await producer.sendMany(values.map((v) => ({ value: Buffer.from(v) })));
    await producer.close();
  }

  it('stays in its group while a handler runs far longer than the session timeout', async () => {
    await produce('slow', ['a', 'b']);
    const release = gate();
    const consumer = await Collector.subscribe(binder, 'slow', { group: 'slow-group', sessionTimeoutMs: 1000, heartbeatIntervalMs: 50, maxBatchRecords: 1 }, async (batch, session, collector) => {
      collector.receive(batch, session);
      if (collector.records.length === 1) await release.promise;
      await session.commit([{ topic: 'slow', partition: 0, offset: batch.records[0].offset + 1 }]);
    });
    await consumer.waitForCount(1);
    const [before] = broker.describeGroups(['slow-group']);
    // Two and a half session timeouts inside the handler.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const [during] = broker.describeGroups(['slow-group']);
    expect(during.groupState).toBe('Stable');
    expect(during.members.map((m) => m.memberId)).toEqual(before.members.map((m) => m.memberId));
    release.open();
    await consumer.waitForCount(2);
    expect(texts(consumer)).toEqual(['a', 'b']);
  });

  it('revokes its partitions, letting pending work be committed, before a new member gets any', async () => {
    const producer = await binder.bindProducer('shared', { partitionCount: 2 });
    await producer.sendMany([0, 1].map((partition) => ({ value: Buffer.from(`p${partition}-a`), partition })));
    const events: string[] = [];
    const next = new Map<number, number>();
    const first = await Collector.subscribe(
      binder,
      'shared',
      {
        group: 'sharing',
        onPartitionsRevoked: async (partitions, session) => {
          events.push(`revoked ${partitions.map((p) => p.partition).sort().join(',')}`);
          // Acknowledged but not yet committed: committed here, within the old generation.
          await session.commit(partitions.map((p) => ({ topic: 'shared', partition: p.partition, offset: next.get(p.partition) ?? 0 })));
        },
      },
      async (batch, session, collector) => {
        next.set(batch.partition, batch.records[batch.records.length - 1].offset + 1);
        collector.receive(batch, session);
      },
    );
    await first.waitForCount(2);
    const second = await Collector.subscribe(binder, 'shared', {
      group: 'sharing',
      onPartitionsAssigned: (partitions) => events.push(`second assigned ${partitions.length}`),
    });
    await first.waitForAssignment(() => first.assignments.length === 2, 'the first member\'s second assignment');
    expect(events.slice(0, 2)).toEqual(['revoked 0,1', 'second assigned 1']);
    expect(first.latestAssignment()).toHaveLength(1);
    // Both partitions were committed past their record: nobody sees them again.
    await producer.sendMany([0, 1].map((partition) => ({ value: Buffer.from(`later-${partition}`), partition })));
    await waitUntilBoth(first, second, 4);
    expect([...texts(first), ...texts(second)].sort()).toEqual(['later-0', 'later-1', 'p0-a', 'p1-a']);
  });

  it('delivers a batch again from its first record when the handler throws', async () => {
    await produce('failing', ['one', 'two']);
    let failures = 0;
    const consumer = await Collector.subscribe(binder, 'failing', { group: 'failing' }, async (batch, session, collector) => {
      if (failures++ === 0) throw new Error('not yet');
      collector.receive(batch, session);
    });
    await consumer.waitForCount(2);
    expect(texts(consumer)).toEqual(['one', 'two']);
    expect(failures).toBe(2);
    expect(logger.lines).toContainEqual(expect.stringContaining('handler failed on failing-0; delivering again from 0'));
  });

  it('starts over from the earliest record when its committed offset was deleted', async () => {
    await produce('trimmed', ['r0', 'r1', 'r2', 'r3', 'r4']);
    await broker.commitOffsets({ groupId: 'behind', topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }] });
    await broker.deleteRecords({ topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: 3 }] }] });
    const consumer = await Collector.subscribe(binder, 'trimmed', { group: 'behind' });
    await consumer.waitForCount(2);
    expect(texts(consumer)).toEqual(['r3', 'r4']);
  });

  it('consumes every existing topic a pattern matches', async () => {
    await produce('pattern.a', ['a1']);
    await produce('pattern.b', ['b1']);
    await produce('unrelated', ['u1']);
    const consumer = await Collector.subscribe(binder, /^pattern\./, { group: 'patterns', startOffset: 'earliest' });
    await consumer.waitForCount(2);
    expect(texts(consumer).sort()).toEqual(['a1', 'b1']);
    expect(consumer.records.every((r) => r.topic.startsWith('pattern.'))).toBe(true);
  });

  it('picks up topics created after binding that match its pattern', async () => {
    const watching = new NativeBinder({ broker, topicPatternRefreshMs: 20 });
    try {
      await produce('grows.first', ['f1']);
      const consumer = await Collector.subscribe(watching, /^grows\./, { group: 'grows', concurrency: 2 });
      await consumer.waitForCount(1);
      await produce('grows.second', ['s1', 's2'], 2);
      await consumer.waitForCount(3);
      expect(texts(consumer).sort()).toEqual(['f1', 's1', 's2']);
    } finally {
      await watching.close();
    }
  });

  it('runs the members of an anonymous binding as one group that starts at the end', async () => {
    await produce('anonymous', ['before'], 2);
    const consumer = await Collector.subscribe(binder, 'anonymous', { concurrency: 2, partitionCount: 2 });
    await produce('anonymous', ['x', 'y', 'z'], 2);
    await consumer.waitForCount(3);
    expect(texts(consumer).sort()).toEqual(['x', 'y', 'z']);
    expect(consumer.binding.group).toBeUndefined();
  });

  it('fails to bind with the broker\'s reason when the group refuses the member', async () => {
    const strict = await Broker.open({ fs: new MemoryFileSystem() });
    const refused = new NativeBinder({ broker: strict });
    try {
      const binding = refused.bindConsumer('t', { group: 'strict', sessionTimeoutMs: 1000 }, async () => undefined);
      await expect(binding).rejects.toMatchObject({ code: 'NATIVE_BROKER', message: expect.stringContaining('INVALID_SESSION_TIMEOUT') });
      expect(strict.describeGroups(['strict'])[0].members).toEqual([]);
    } finally {
      await refused.close();
      await strict.close();
    }
  });

  it('delivers nothing while paused from the start, then everything on resume', async () => {
    await produce('later', ['one']);
    const consumer = await Collector.subscribe(binder, 'later', { group: 'later', startPaused: true });
    expect(consumer.binding.isPaused()).toBe(true);
    expect(consumer.assignments).toEqual([[{ topic: 'later', partition: 0 }]]);
    // A second group sees the record: the paused one had it to fetch but delivered nothing.
    const witness = await Collector.subscribe(binder, 'later', { group: 'witness' });
    await witness.waitForCount(1);
    expect(consumer.records).toHaveLength(0);
    consumer.binding.resume();
    await consumer.waitForCount(1);
    expect(texts(consumer)).toEqual(['one']);
  });
});

describe('native binders in one process', () => {
  it('share one in-memory broker, which goes away with the last of them', async () => {
    const first = new NativeBinder();
    const second = new NativeBinder();
    expect(await first.broker()).toBe(await second.broker());
    const consumer = await Collector.subscribe(second, 'shared.topic', { group: 'g' });
    const producer = await first.bindProducer('shared.topic');
    await producer.send({ value: Buffer.from('across apps') });
    await consumer.waitForCount(1);
    const shared = await first.broker();
    await first.close();
    expect(shared.isClosed).toBe(false);
    await second.close();
    expect(shared.isClosed).toBe(true);
    const third = new NativeBinder();
    expect(await third.broker()).not.toBe(shared);
    await third.close();
  });

  it('share the broker of one data directory, and keep what was written there', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-native-shared-'));
    try {
      const a = new NativeBinder({ dataDir });
      const b = new NativeBinder({ dataDir: path.join(dataDir, '.') });
      expect(await a.broker()).toBe(await b.broker());
      const producer = await a.bindProducer('durable');
      await producer.send({ value: Buffer.from('kept') });
      await Promise.all([a.close(), b.close()]);
      const reopened = new NativeBinder({ dataDir });
      const consumer = await Collector.subscribe(reopened, 'durable', { group: 'reader' });
      await consumer.waitForCount(1);
      expect(texts(consumer)).toEqual(['kept']);
      await reopened.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('are created by name through the registry, with properties from config', async () => {
    const binder = await createBinder('native', { defaultPartitions: '3', shared: false });
    try {
      expect(binder.name).toBe('native');
      const producer = await binder.bindProducer('three');
      const results = await producer.sendMany([0, 1, 2].map((partition) => ({ value: Buffer.from('x'), partition })));
      expect(results.map((r) => r.partition)).toEqual([0, 1, 2]);
    } finally {
      await binder.close();
    }
    await expect(createBinder('native', { assignor: 'random' })).rejects.toMatchObject({ code: 'NATIVE_BINDER_CONFIG' });
  });
});
