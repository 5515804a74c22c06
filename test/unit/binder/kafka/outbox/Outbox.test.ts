/** The outbox's routing, forwarding and checkpoint over a fake transport and an in-memory file system. */
import { MemoryFileSystem } from '../../../../../src/broker/storage/MemoryFileSystem';
import { ORIGIN_HEADER, Outbox, type OutboxTransport } from '../../../../../src/binder/kafka/outbox/Outbox';
import type { ReadBackRange } from '../../../../../src/binder/kafka/outbox/readBack';
import { DELIVERED_CHECKPOINT, OutboxLog } from '../../../../../src/binder/kafka/outbox/OutboxLog';
import type { OutboundRecord } from '../../../../../src/binder/Binder';
import { silentLogger } from '../../../../../src/logging';

const SETTINGS = { initialRetryMs: 1, maxRetryMs: 5, forwardBytes: 1024 * 1024 };

function connectionError(): Error {
  const error = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  error.name = 'KafkaJSConnectionError';
  return error;
}

/** A one-partition topic that refuses connections until `up` is set; `received` is its log. */
class FakeCluster implements OutboxTransport {
  up = false;
  /** Set: the next send is written, then its sender never hears back (it died meanwhile). */
  dieAfterNextWrite = false;
  readonly received: OutboundRecord[] = [];
  async ready(): Promise<void> {}
  async send(records: OutboundRecord[]): Promise<Array<{ partition: number; offset: number }>> {
    if (!this.up) throw connectionError();
    const base = this.received.length;
    this.received.push(...records);
    if (this.dieAfterNextWrite) {
      this.dieAfterNextWrite = false;
      return new Promise(() => undefined);
    }
    return [{ partition: 0, offset: base }];
  }
  async endOffsets(): Promise<Array<{ partition: number; offset: number }>> {
    return [{ partition: 0, offset: this.received.length }];
  }
  async readBack(ranges: ReadBackRange[], headerKey: string): Promise<string[]> {
    const range = ranges.find((r) => r.partition === 0)!;
    return this.received
      .slice(range.from, range.to)
      .flatMap((r) => (r.headers ?? []).filter((h) => h.key === headerKey).map((h) => h.value!.toString()));
  }
  values(): string[] {
    return this.received.map((r) => r.value!.toString());
  }
}

function record(key: string | null, value: string, partition?: number): OutboundRecord {
  return { key: key === null ? null : Buffer.from(key), value: Buffer.from(value), headers: [{ key: 'h', value: Buffer.from('v') }], partition };
}

describe('Outbox', () => {
  let fs: MemoryFileSystem;
  const opened: Outbox[] = [];
  beforeEach(() => {
    fs = new MemoryFileSystem();
  });
  afterEach(async () => {
    for (const outbox of opened.splice(0)) await outbox.close();
  });

  function open(cluster: FakeCluster): Outbox {
    const outbox = new Outbox(OutboxLog.open('/outbox', 'orders', silentLogger, fs), cluster, SETTINGS);
    opened.push(outbox);
    return outbox;
  }

  it('holds back later records of a key with stored records until the forwarder delivered them, in order', async () => {
    const cluster = new FakeCluster();
    const outbox = open(cluster);
    outbox.storeRecords([record('a', 'a1'), record('a', 'a2', 2)]);
    expect(outbox.depth).toBe(2);
    expect(outbox.mustStore(record('a', 'a3'))).toBe(true);
    expect(outbox.mustStore(record('b', 'b1'))).toBe(false);
    outbox.storeRecords([record('a', 'a3')]);

    cluster.up = true;
    await outbox.drained();
    expect(cluster.values()).toEqual(['a1', 'a2', 'a3']);
    // the explicit partition and the headers travel through the outbox unchanged
    expect(cluster.received[1].partition).toBe(2);
    expect(cluster.received[0].partition).toBeUndefined();
    expect(cluster.received[0].headers).toEqual([
      { key: 'h', value: Buffer.from('v') },
      { key: ORIGIN_HEADER, value: expect.any(Buffer) },
    ]);
    expect(outbox.mustStore(record('a', 'a4'))).toBe(false);
    expect(outbox.status()).toMatchObject({ depth: 0, unreachable: false });
    expect(fs.readFile(`/outbox/orders/${DELIVERED_CHECKPOINT}`)!.toString()).toBe('0\n1\norders 0 3\n');
  });

  it('sends everything to the outbox while the cluster is known to be unreachable', () => {
    const outbox = open(new FakeCluster());
    expect(outbox.mustStore(record('b', 'b1'))).toBe(false);
    outbox.markUnreachable();
    expect(outbox.mustStore(record('b', 'b1'))).toBe(true);
    expect(outbox.mustStore(record(null, 'n1'))).toBe(true);
  });

  it('takes over connection failures only', () => {
    const outbox = open(new FakeCluster());
    expect(outbox.takesOver(connectionError())).toBe(true);
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size'), { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE' });
    expect(outbox.takesOver(tooLarge)).toBe(false);
  });

  it('forwards after a reopen what was stored and not delivered, keeping its keys held until then', async () => {
    const down = new FakeCluster();
    const first = open(down);
    first.storeRecords([record('a', 'a1'), record('b', 'b1')]);
    await first.close();
    opened.splice(opened.indexOf(first), 1);

    const cluster = new FakeCluster();
    const second = open(cluster);
    expect(second.depth).toBe(2);
    expect(second.mustStore(record('a', 'a2'))).toBe(true);
    expect(second.mustStore(record('c', 'c1'))).toBe(false);
    cluster.up = true;
    await second.drained();
    expect(cluster.values()).toEqual(['a1', 'b1']);
    expect(second.mustStore(record('a', 'a2'))).toBe(false);
  });

  it('does not send again, after a crash, the records a forward delivered before the checkpoint was written', async () => {
    const cluster = new FakeCluster();
    cluster.up = true;
    const crashed = OutboxLog.open('/outbox', 'orders', silentLogger, fs);
    const first = new Outbox(crashed, cluster, SETTINGS);
    first.storeRecords([record('a', 'a1'), record('b', 'b1')]);
    await first.drained();
    cluster.dieAfterNextWrite = true;
    first.storeRecords([record('a', 'a2'), record('b', 'b2')]);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => cluster.received.length === 4 && (clearInterval(poll), resolve()), 1);
    });
    // the process dies: its checkpoint still says 2, the cluster has all four
    crashed.close();
    expect(fs.readFile(`/outbox/orders/${DELIVERED_CHECKPOINT}`)!.toString()).toBe('0\n1\norders 0 2\n');

    const restarted = open(cluster);
    expect(restarted.depth).toBe(2);
    await restarted.drained();
    expect(cluster.values()).toEqual(['a1', 'b1', 'a2', 'b2']);
    restarted.storeRecords([record('a', 'a3')]);
    await restarted.drained();
    expect(cluster.values()).toEqual(['a1', 'b1', 'a2', 'b2', 'a3']);
  });

  it('sends again, without the origin check, only what the cluster does not have', async () => {
    const cluster = new FakeCluster();
    cluster.up = true;
    const crashed = OutboxLog.open('/outbox', 'orders', silentLogger, fs);
    const first = new Outbox(crashed, cluster, SETTINGS);
    first.storeRecords([record('a', 'a1')]);
    await first.drained();
    cluster.up = false;
    first.storeRecords([record('a', 'a2')]);
    crashed.close();

    cluster.up = true;
    const restarted = open(cluster);
    await restarted.drained();
    expect(cluster.values()).toEqual(['a1', 'a2']);
  });
});
