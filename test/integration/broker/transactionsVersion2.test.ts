/**
 * Transactions version 2 (KIP-890) on the wire: ApiVersions finalizes `transaction.version` as the
 * broker setting says; a version-2 producer adds partitions by producing (Produce v12) and its
 * offsets by committing them (TxnOffsetCommit v5); every EndTxn v5 bumps the epoch and answers the
 * producer id and epoch to continue with; a retried EndTxn gets Kafka's answer and an older epoch
 * is fenced; a transactional Produce to a partition outside the transaction is refused for
 * version-1 requests; the state written before survives a restart at level 2.
 */
import { connect, type Socket } from 'node:net';
import { Broker } from '../../../src/broker/Broker';
import { ManualClock } from '../../../src/broker/group/CoordinatorClock';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ApiKey, decodeResponse, decodeResponseHeader, encodeRecordBatchSync, encodeRequestFrame } from '../../../src/protocol';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { decodeRecordBatchesSync } from '../../../src/protocol/records/decodeBatch';
import { recordSetBuffer } from '../../../src/protocol/messages/schemaTypes';
import { MAX_PRODUCER_EPOCH } from '../../../src/broker/txn/TransactionMetadata';
import { headers } from './support/batches';

/** One connection; each request waits for its response. */
class WireClient {
  private buf = Buffer.alloc(0);
  private waiting: ((frame: Buffer) => void)[] = [];
  private correlationId = 0;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const frame = this.buf.subarray(4, 4 + this.buf.readInt32BE(0));
        this.buf = this.buf.subarray(4 + frame.length);
        this.waiting.shift()?.(frame);
      }
    });
  }
  static async open(port: number): Promise<WireClient> {
    const s = connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    return new WireClient(s);
  }
  async send<K extends ApiKey>(apiKey: K, apiVersion: number, body: object): Promise<any> {
    const frame = await new Promise<Buffer>((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(encodeRequestFrame({ apiKey, apiVersion, correlationId: ++this.correlationId, clientId: 'tv2' }, body as never));
    });
    const { headerSize } = decodeResponseHeader(apiKey, apiVersion, frame);
    return decodeResponse(apiKey, apiVersion, frame, headerSize);
  }
  close(): void {
    this.socket.destroy();
  }
}

const txnBatch = (producerId: number, producerEpoch: number, baseSequence: number, values: string[]): Buffer =>
  encodeRecordBatchSync({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })), producerId, producerEpoch, baseSequence, isTransactional: true });

describe('transactions version 2 over the wire', () => {
  let broker: Broker | undefined;
  let server: WireServer | undefined;
  let client: WireClient | undefined;
  jest.setTimeout(30000);

  async function start(transactionVersion: number, fs = new MemoryFileSystem()): Promise<WireClient> {
    broker = await Broker.open({ fs, dataDir: '/data', config: { transactionVersion } });
    server = await startWireServer(broker, { port: 0 });
    client = await WireClient.open(server.port);
    return client;
  }
  async function stop(): Promise<void> {
    client?.close();
    await server?.close();
    await broker?.close();
    client = undefined;
    server = undefined;
    broker = undefined;
  }
  afterEach(stop);

  const initProducer = async (c: WireClient, transactionalId: string) => {
    const init = await c.send(ApiKey.InitProducerId, 5, { transactionalId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    expect(init.errorCode).toBe(ErrorCode.NONE);
    return { transactionalId, producerId: Number(init.producerId), producerEpoch: init.producerEpoch as number };
  };
  const produce = async (c: WireClient, version: number, transactionalId: string, topic: string, batch: Buffer) => {
    const res = await c.send(ApiKey.Produce, version, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
    return res.responses[0].partitionResponses[0];
  };
  const endTxn = (c: WireClient, version: number, p: { transactionalId: string; producerId: number }, producerEpoch: number, committed: boolean) =>
    c.send(ApiKey.EndTxn, version, { transactionalId: p.transactionalId, producerId: BigInt(p.producerId), producerEpoch, committed });
  const fetchAll = async (c: WireClient, topic: string, isolationLevel: number) => {
    const res = await c.send(ApiKey.Fetch, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    return res.responses[0].partitions[0];
  };
  const committedValues = async (c: WireClient, topic: string): Promise<string[]> => {
    const p = await fetchAll(c, topic, 1);
    // As a read_committed client drops them: a producer's batches from an aborted transaction's first offset to its marker.
    const abortedFrom = (p.abortedTransactions ?? []).map((a: { producerId: bigint; firstOffset: bigint }) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) }));
    const dropping = new Set<number>();
    const values: string[] = [];
    for (const b of decodeRecordBatchesSync(recordSetBuffer(p.records)!)) {
      for (const a of abortedFrom) if (a.producerId === b.producerId && a.firstOffset === b.baseOffset) dropping.add(b.producerId);
      if (b.isControl) dropping.delete(b.producerId);
      else if (!(b.isTransactional && dropping.has(b.producerId))) values.push(...b.records.map((r) => r.value!.toString()));
    }
    return values;
  };
  const createTopic = (c: WireClient, name: string) =>
    c.send(ApiKey.CreateTopics, 2, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });

  it('finalizes transaction.version as configured and advertises the version-2 requests only at level 2', async () => {
    for (const level of [2, 1]) {
      const c = await start(level);
      const res = await c.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'tv2', clientSoftwareVersion: '1' });
      const max = (key: ApiKey) => res.apiKeys.find((a: { apiKey: number }) => a.apiKey === key).maxVersion;
      expect(res.supportedFeatures).toEqual([{ name: 'transaction.version', minVersion: 0, maxVersion: 2 }]);
      expect(Number(res.finalizedFeaturesEpoch)).toBeGreaterThanOrEqual(0);
      expect(res.finalizedFeatures).toEqual([{ name: 'transaction.version', minVersionLevel: level, maxVersionLevel: level }]);
      expect([max(ApiKey.Produce), max(ApiKey.EndTxn), max(ApiKey.TxnOffsetCommit)]).toEqual(level === 2 ? [12, 5, 5] : [11, 4, 4]);
      await stop();
    }
  });

  it('adds partitions through Produce v12, bumps the epoch at every EndTxn v5 and writes the markers with the bumped epoch', async () => {
    const c = await start(2);
    await createTopic(c, 'out');
    const p = await initProducer(c, 'tx-bump');
    const e = p.producerEpoch;

    // No AddPartitionsToTxn: the Produce v12 itself puts the partition in the transaction.
    expect((await produce(c, 12, 'tx-bump', 'out', txnBatch(p.producerId, e, 0, ['c1']))).errorCode).toBe(ErrorCode.NONE);
    const committed = await endTxn(c, 5, p, e, true);
    expect([committed.errorCode, Number(committed.producerId), committed.producerEpoch]).toEqual([ErrorCode.NONE, p.producerId, e + 1]);

    // The next transaction runs under the bumped epoch, its sequence from 0; an abort bumps again.
    expect((await produce(c, 12, 'tx-bump', 'out', txnBatch(p.producerId, e + 1, 0, ['a1']))).errorCode).toBe(ErrorCode.NONE);
    const aborted = await endTxn(c, 5, p, e + 1, false);
    expect([aborted.errorCode, Number(aborted.producerId), aborted.producerEpoch]).toEqual([ErrorCode.NONE, p.producerId, e + 2]);
    expect((await produce(c, 12, 'tx-bump', 'out', txnBatch(p.producerId, e + 2, 0, ['c2']))).errorCode).toBe(ErrorCode.NONE);
    expect((await endTxn(c, 5, p, e + 2, true)).producerEpoch).toBe(e + 3);

    expect(await committedValues(c, 'out')).toEqual(['c1', 'c2']);
    const all = await fetchAll(c, 'out', 0);
    const markers = headers(all.records).filter((b) => b.isControl);
    expect(markers.map((m) => m.producerEpoch)).toEqual([e + 1, e + 2, e + 3]);
    expect(Number(all.lastStableOffset)).toBe(Number(all.highWatermark));
  });

  it('keeps pipelined Produce v12 requests of one producer in sequence while their partition joins the transaction', async () => {
    const c = await start(2);
    await createTopic(c, 'pipelined');
    const p = await initProducer(c, 'tx-pipelined');
    // Handled at once, as the requests a producer has in flight are (the broker starts each before the previous one is answered).
    const answers = await Promise.all(
      [0, 1, 2].map((i) =>
        broker!.produce({ acks: -1, transactionalId: 'tx-pipelined', addPartitionsToTxn: true, topics: [{ name: 'pipelined', partitions: [{ index: 0, records: txnBatch(p.producerId, p.producerEpoch, i, [`r${i}`]) }] }] }),
      ),
    );
    expect(answers.map((a) => a.responses[0].partitionResponses[0].errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
    expect((await endTxn(c, 5, p, p.producerEpoch, true)).errorCode).toBe(ErrorCode.NONE);
    expect(await committedValues(c, 'pipelined')).toEqual(['r0', 'r1', 'r2']);
  });

  it('refuses a version-1 transactional Produce to a partition outside the transaction, leaving no transaction open', async () => {
    const c = await start(2);
    await createTopic(c, 'guarded');
    const p = await initProducer(c, 'tx-guard');
    const refused = await produce(c, 11, 'tx-guard', 'guarded', txnBatch(p.producerId, p.producerEpoch, 0, ['unadded']));
    expect(refused.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    const described = await c.send(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tx-guard'] });
    expect([described.transactionStates[0].transactionState, described.transactionStates[0].topics]).toEqual(['Empty', []]);
    const log = await fetchAll(c, 'guarded', 0);
    expect([Number(log.highWatermark), Number(log.lastStableOffset)]).toEqual([0, 0]);

    // AddPartitionsToTxn v5 verify-only: reports without adding.
    const verify = () =>
      c.send(ApiKey.AddPartitionsToTxn, 5, {
        transactions: [{ transactionalId: 'tx-guard', producerId: BigInt(p.producerId), producerEpoch: p.producerEpoch, verifyOnly: true, topics: [{ name: 'guarded', partitions: [0] }] }],
      });
    expect((await verify()).resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await produce(c, 12, 'tx-guard', 'guarded', txnBatch(p.producerId, p.producerEpoch, 0, ['added']))).errorCode).toBe(ErrorCode.NONE);
    expect((await verify()).resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode).toBe(ErrorCode.NONE);
  });

  it('at level 1 no partition joins a transaction by a produce: the broker behaves as before KIP-890', async () => {
    const c = await start(1);
    await createTopic(c, 'level1');
    const p = await initProducer(c, 'tx-level1');
    const res = await broker!.produce({ acks: -1, transactionalId: 'tx-level1', addPartitionsToTxn: true, topics: [{ name: 'level1', partitions: [{ index: 0, records: txnBatch(p.producerId, p.producerEpoch, 0, ['x']) }] }] });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(broker!.transactions.describe(['tx-level1'])[0].transactionState).toBe('Empty');
  });

  it("answers a retried EndTxn v5 as it was answered, and fences an EndTxn of an older epoch", async () => {
    const c = await start(2);
    await createTopic(c, 'retry');
    const p = await initProducer(c, 'tx-retry');
    const e = p.producerEpoch;
    await produce(c, 12, 'tx-retry', 'retry', txnBatch(p.producerId, e, 0, ['one']));
    expect((await endTxn(c, 5, p, e, true)).producerEpoch).toBe(e + 1);

    // The same EndTxn again (its response was lost): the same answer, nothing bumped twice.
    const retried = await endTxn(c, 5, p, e, true);
    expect([retried.errorCode, Number(retried.producerId), retried.producerEpoch]).toEqual([ErrorCode.NONE, p.producerId, e + 1]);
    expect((await endTxn(c, 5, p, e, false)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);

    // Once the next transaction runs under e+1, the epoch e is fenced.
    await produce(c, 12, 'tx-retry', 'retry', txnBatch(p.producerId, e + 1, 0, ['two']));
    expect((await endTxn(c, 5, p, e, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await produce(c, 12, 'tx-retry', 'retry', txnBatch(p.producerId, e, 1, ['zombie']))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await endTxn(c, 5, p, e + 1, true)).producerEpoch).toBe(e + 2);
    expect((await endTxn(c, 5, p, e, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await committedValues(c, 'retry')).toEqual(['one', 'two']);
  });

  it('moves to a new producer id when the epoch bump overflows, and answers the retry of that EndTxn', async () => {
    const c = await start(2);
    await createTopic(c, 'overflow');
    const p = await initProducer(c, 'tx-overflow');
    // The epoch a producer reaches after 32766 transactions.
    broker!.transactions.states.get('tx-overflow')!.producerEpoch = MAX_PRODUCER_EPOCH - 1;
    await produce(c, 12, 'tx-overflow', 'overflow', txnBatch(p.producerId, MAX_PRODUCER_EPOCH - 1, 0, ['last of the old id']));
    const ended = await endTxn(c, 5, p, MAX_PRODUCER_EPOCH - 1, true);
    expect(ended.errorCode).toBe(ErrorCode.NONE);
    expect(Number(ended.producerId)).not.toBe(p.producerId);
    expect(ended.producerEpoch).toBe(0);
    const retried = await endTxn(c, 5, p, MAX_PRODUCER_EPOCH - 1, true);
    expect([retried.errorCode, retried.producerId, retried.producerEpoch]).toEqual([ErrorCode.NONE, ended.producerId, 0]);
    const next = { transactionalId: 'tx-overflow', producerId: Number(ended.producerId) };
    await produce(c, 12, 'tx-overflow', 'overflow', txnBatch(next.producerId, 0, 0, ['first of the new id']));
    expect((await endTxn(c, 5, next, 0, true)).producerEpoch).toBe(1);
    expect(await committedValues(c, 'overflow')).toEqual(['last of the old id', 'first of the new id']);
  });

  it('fences the producer of a version-2 transaction aborted past its timeout: its own EndTxn is not taken for a retry', async () => {
    const clock = new ManualClock();
    broker = await Broker.open({ fs: new MemoryFileSystem(), clock, config: { transactionVersion: 2 } });
    await broker.createTopics({ topics: [{ name: 'slow', numPartitions: 1 }] });
    const init = await broker.transactions.initProducerId({ transactionalId: 'tx-slow', transactionTimeoutMs: 5000 });
    const p = { transactionalId: 'tx-slow', producerId: init.producerId, producerEpoch: init.producerEpoch };
    const produced = await broker.produce({ acks: -1, transactionalId: 'tx-slow', addPartitionsToTxn: true, topics: [{ name: 'slow', partitions: [{ index: 0, records: txnBatch(p.producerId, p.producerEpoch, 0, ['late']) }] }] });
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    clock.advance(6000);
    expect(await broker.transactions.abortTimedOutTransactions()).toBe(1);
    // Two epochs past the producer's: one epoch past would read as the retry of an abort it sent itself.
    expect(broker.transactions.describe(['tx-slow'])[0]).toMatchObject({ transactionState: 'CompleteAbort', producerEpoch: p.producerEpoch + 2 });
    expect((await broker.transactions.endTransaction(p, false, 2)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await broker.transactions.endTransaction(p, true, 2)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('commits offsets sent with TxnOffsetCommit v5 alone (no AddOffsetsToTxn), visible once the transaction commits', async () => {
    const c = await start(2);
    await createTopic(c, 'in');
    const p = await initProducer(c, 'tx-offsets');
    const commit = await c.send(ApiKey.TxnOffsetCommit, 5, {
      transactionalId: 'tx-offsets', groupId: 'copier', producerId: BigInt(p.producerId), producerEpoch: p.producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(commit.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const offset = async () => {
      const res = await c.send(ApiKey.OffsetFetch, 5, { groupId: 'copier', topics: [{ name: 'in', partitionIndexes: [0] }], requireStable: false });
      return Number(res.topics[0].partitions[0].committedOffset);
    };
    expect(await offset()).toBe(-1);
    expect((await endTxn(c, 5, p, p.producerEpoch, true)).errorCode).toBe(ErrorCode.NONE);
    expect(await offset()).toBe(42);
  });

  it('loads the state written at level 1 (and level 0) after a restart at level 2, and goes on with version-2 transactions', async () => {
    for (const before of [0, 1]) {
      const fs = new MemoryFileSystem();
      let c = await start(before, fs);
      await createTopic(c, 'kept');
      const p = await initProducer(c, 'tx-kept');
      await c.send(ApiKey.AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'tx-kept', v3AndBelowProducerId: BigInt(p.producerId), v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 'kept', partitions: [0] }] });
      await produce(c, 11, 'tx-kept', 'kept', txnBatch(p.producerId, p.producerEpoch, 0, [`v${before}`]));
      expect((await endTxn(c, 4, p, p.producerEpoch, true)).errorCode).toBe(ErrorCode.NONE);
      await stop();

      c = await start(2, fs);
      const described = await c.send(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tx-kept'] });
      expect([described.transactionStates[0].transactionState, Number(described.transactionStates[0].producerId), described.transactionStates[0].producerEpoch]).toEqual([
        'CompleteCommit', p.producerId, p.producerEpoch,
      ]);
      await produce(c, 12, 'tx-kept', 'kept', txnBatch(p.producerId, p.producerEpoch, 1, ['after restart']));
      expect((await endTxn(c, 5, p, p.producerEpoch, true)).producerEpoch).toBe(p.producerEpoch + 1);
      await stop();
      c = await start(2, fs);
      const again = await c.send(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tx-kept'] });
      expect(again.transactionStates[0].producerEpoch).toBe(p.producerEpoch + 1);
      expect(await committedValues(c, 'kept')).toEqual([`v${before}`, 'after restart']);
      await stop();
    }
  });
});
