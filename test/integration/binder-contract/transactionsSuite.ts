/**
 * What every binder's transactional producer guarantees (Binder.transactionalProducer): a
 * committed transaction's records and offsets become visible together, an aborted one's never, and
 * a newer producer with the same transactional id fences the older one.
 */
import { randomUUID } from 'node:crypto';
import type { Binder, TransactionalProducer } from '../../../src/binder/Binder';
import { ProducerFencedError } from '../../../src/binder/transactionErrors';
import { Collector, uniqueTopic } from './contractSupport';

const value = (s: string): { key: Buffer; value: Buffer } => ({ key: Buffer.from(s.split('-')[0]), value: Buffer.from(s) });

export function transactionsSuite(name: string, createBinder: () => Promise<Binder>): void {
  describe(`${name}: transactions`, () => {
    let binder: Binder;
    const producers: TransactionalProducer[] = [];
    const collectors: Collector[] = [];

    beforeEach(async () => {
      binder = await createBinder();
    });
    afterEach(async () => {
      for (const c of collectors.splice(0)) await c.stop().catch(() => undefined);
      for (const p of producers.splice(0)) await p.close().catch(() => undefined);
      await binder.close();
    });

    const producer = async (id: string): Promise<TransactionalProducer> => {
      const p = await binder.transactionalProducer!(id, { partitionCount: 2 });
      producers.push(p);
      return p;
    };
    const reader = async (topic: string, isolationLevel: 'read_committed' | 'read_uncommitted'): Promise<Collector> => {
      const c = await Collector.subscribe(binder, topic, { group: `reader-${randomUUID()}`, startOffset: 'earliest', partitionCount: 2, isolationLevel });
      collectors.push(c);
      return c;
    };

    it('a read_committed consumer sees committed transactions, never aborted ones; read_uncommitted sees both', async () => {
      const topic = uniqueTopic('txn');
      await binder.provisionTopic(topic, 2);
      const p = await producer(`tx-${randomUUID()}`);
      p.begin();
      await Promise.all(['a-1', 'b-1', 'a-2'].map((v) => p.send(topic, value(v))));
      await p.commit();
      p.begin();
      await Promise.all(['a-aborted', 'b-aborted'].map((v) => p.send(topic, value(v))));
      await p.abort();
      p.begin();
      await Promise.all(['a-3', 'b-end'].map((v) => p.send(topic, value(v))));
      await p.commit();

      const committed = await reader(topic, 'read_committed');
      await committed.waitFor(() => committed.values().includes('a-3') && committed.values().includes('b-end'), 'the last committed transaction');
      expect(committed.values().sort()).toEqual(['a-1', 'a-2', 'a-3', 'b-1', 'b-end']);
      const byKeyA = committed.records.filter((r) => r.key?.toString() === 'a').map((r) => r.value!.toString());
      expect(byKeyA).toEqual(['a-1', 'a-2', 'a-3']);

      const uncommitted = await reader(topic, 'read_uncommitted');
      await uncommitted.waitFor(() => uncommitted.records.length >= 7, 'every record');
      expect(uncommitted.values()).toEqual(expect.arrayContaining(['a-aborted', 'b-aborted']));
    });

    it('records of a transaction still open are delivered once it commits, before later committed ones', async () => {
      const topic = uniqueTopic('txn-open');
      await binder.provisionTopic(topic, 2);
      const p = await producer(`tx-${randomUUID()}`);
      const q = await producer(`tx-${randomUUID()}`);
      p.begin();
      await p.send(topic, value('a-open'));
      q.begin();
      await q.send(topic, value('a-later'));
      await q.commit();
      const committed = await reader(topic, 'read_committed');
      // The open transaction holds the last stable offset: nothing past it is delivered yet.
      await p.commit();
      await committed.waitFor(() => committed.records.length >= 2, 'both transactions');
      expect(committed.values()).toEqual(['a-open', 'a-later']);
    });

    it('sendOffsets commits the group offsets only when the transaction commits', async () => {
      const input = uniqueTopic('txn-in');
      const output = uniqueTopic('txn-out');
      await binder.provisionTopic(input, 1);
      await binder.provisionTopic(output, 1);
      const group = `copier-${randomUUID()}`;
      const p = await producer(`tx-${randomUUID()}`);
      p.begin();
      await p.send(output, value('a-x'));
      await p.sendOffsets(group, [{ topic: input, partition: 0, offset: 5 }]);
      await p.abort();
      p.begin();
      await p.send(output, value('a-y'));
      await p.sendOffsets(group, [{ topic: input, partition: 0, offset: 7 }]);
      await p.commit();
      // A member of the group starts where the committed transaction left it.
      const seed = await binder.bindProducer(input, { partitionCount: 1 });
      await seed.sendMany(Array.from({ length: 8 }, (_, i) => ({ value: Buffer.from(`in-${i}`), partition: 0 })));
      await seed.close();
      const member = await Collector.subscribe(binder, input, { group, partitionCount: 1 });
      collectors.push(member);
      await member.waitForCount(1);
      expect(member.records[0].offset).toBe(7);
    });

    it('a newer producer with the same transactional id fences the older: none of its later writes becomes visible', async () => {
      const topic = uniqueTopic('txn-zombie');
      await binder.provisionTopic(topic, 2);
      const id = `tx-${randomUUID()}`;
      const zombie = await producer(id);
      zombie.begin();
      await zombie.send(topic, value('a-zombie-before'));
      const successor = await producer(id);
      // The zombie's open transaction was aborted by the successor's start; what it does next fails.
      const late = zombie.send(topic, value('b-zombie-after'));
      await expect(late.then(() => zombie.commit())).rejects.toBeInstanceOf(ProducerFencedError);
      successor.begin();
      await successor.send(topic, value('a-successor'));
      await successor.commit();
      const committed = await reader(topic, 'read_committed');
      await committed.waitFor(() => committed.values().includes('a-successor'), "the successor's record");
      expect(committed.values()).toEqual(['a-successor']);
      expect(() => zombie.begin()).toThrow(ProducerFencedError);
    });
  });
}
