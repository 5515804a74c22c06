/**
 * The transaction coordinator on a failing disk (MemoryFileSystem with injected faults, a manual
 * clock). Once the decision (PrepareCommit / PrepareAbort) is in `__transaction_state`, a marker
 * or completion write that fails is retried with backoff until it succeeds, with no client action,
 * as Kafka's TransactionMarkerChannelManager does; the failure is logged once per transaction.
 * When the decision itself cannot be written, EndTxn answers NOT_COORDINATOR (Kafka's answer for a
 * storage error) and the transaction stays as it was, so the producer's retry succeeds. A kafkajs
 * producer (which does not retry EndTxn) is served through both failures over the wire.
 */
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../../src/broker/Broker';
import { DEFAULT_BROKER_CONFIG } from '../../../src/broker/config/BrokerConfig';
import { ManualClock } from '../../../src/broker/group/CoordinatorClock';
import type { InjectedFault } from '../../../src/broker/storage/FaultInjector';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import type { TxnProducer } from '../../../src/broker/txn';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { recordSetBuffer } from '../../../src/protocol/messages/schemaTypes';
import { decodeRecordBatchesSync } from '../../../src/protocol/records/decodeBatch';
import { encodeRecordBatchSync } from '../../../src/protocol/records/encodeBatch';
import { warningsInto } from '../../support/capturingLogger';
import { waitFor } from '../../support/processes';

const TOPIC = 'out';
const DATA_LOG = /\/out-0\/\d+\.log$/;
const STATE_LOG = /\/__transaction_state-\d+\/\d+\.log$/;
const BACKOFF_MAX_MS = DEFAULT_BROKER_CONFIG.transactionMarkerRetryBackoffMaxMs;

const txnBatch = (p: TxnProducer, baseSequence: number, values: string[]): Buffer =>
  encodeRecordBatchSync({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })), producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence, isTransactional: true });

/** A turn of the event loop, so an attempt started by a clock advance runs as far as it can. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('transaction coordinator on a failing disk', () => {
  let fs: MemoryFileSystem;
  let clock: ManualClock;
  let broker: Broker | undefined;
  const warnings: string[] = [];
  jest.setTimeout(30000);

  const open = async (transactionVersion = 2): Promise<Broker> => {
    broker = await Broker.open({ fs, dataDir: '/data', clock, logger: warningsInto(warnings), logCleaner: null, config: { transactionVersion } });
    return broker;
  };

  beforeEach(() => {
    fs = new MemoryFileSystem();
    clock = new ManualClock();
    warnings.length = 0;
  });
  afterEach(async () => {
    fs.clearFaults();
    await broker?.close();
    broker = undefined;
  });

  /** A producer of `id` with records `values` produced in an open transaction on out-0. */
  async function openTransaction(b: Broker, id: string, version: number, values: string[]): Promise<TxnProducer> {
    const init = await b.transactions.initProducerId({ transactionalId: id, transactionTimeoutMs: 600000 });
    expect(init.errorCode).toBe(ErrorCode.NONE);
    const p = { transactionalId: id, producerId: init.producerId, producerEpoch: init.producerEpoch };
    if (version >= 2) expect(await b.transactions.addPartitionsImplicitly(p, [{ topic: TOPIC, partition: 0 }])).toBe(ErrorCode.NONE);
    else expect((await b.transactions.addPartitions(p, [{ name: TOPIC, partitions: [0] }]))[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const res = await b.produce({ acks: -1, transactionalId: id, topics: [{ name: TOPIC, partitions: [{ index: 0, records: txnBatch(p, 0, values) }] }] });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    return p;
  }

  /** What a read_committed consumer of out-0 gets: the values it keeps, and the partition's last stable offset. */
  async function readCommitted(b: Broker): Promise<{ values: string[]; lastStableOffset: number; highWatermark: number }> {
    const res = await b.fetch({ maxWaitMs: 0, minBytes: 1, isolationLevel: 1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    const p = res.responses[0].partitions[0];
    // As a Kafka consumer drops aborted records: a producer's batches from an aborted transaction's first offset up to its marker.
    const upcoming = [...(p.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset) - Number(b.firstOffset));
    const abortedNow = new Set<number>();
    const values: string[] = [];
    for (const x of p.records ? decodeRecordBatchesSync(recordSetBuffer(p.records)) : []) {
      while (upcoming.length > 0 && Number(upcoming[0].firstOffset) <= x.baseOffset) abortedNow.add(Number(upcoming.shift()!.producerId));
      if (x.isControl) abortedNow.delete(x.producerId);
      else if (!abortedNow.has(x.producerId)) values.push(...x.records.map((r) => r.value!.toString()));
    }
    return { values, lastStableOffset: Number(p.lastStableOffset), highWatermark: Number(p.highWatermark) };
  }

  const stateOf = (b: Broker, id: string): string => b.transactions.describe([id])[0].transactionState;

  /** Advances the clock by the longest backoff `rounds` times, waiting each time for one more failed attempt. */
  async function failedRounds(fault: InjectedFault, rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const before = fault.failures;
      clock.advance(BACKOFF_MAX_MS);
      await waitFor('a retry of the failed write', () => fault.failures > before, 10000);
      // No attempt without the clock moving: the retries wait out their backoff.
      const after = fault.failures;
      await settle();
      await settle();
      expect(fault.failures).toBe(after);
    }
  }

  describe.each([
    [1, true],
    [1, false],
    [2, true],
    [2, false],
  ])('transactions version %i, commit %s', (version, commit) => {
    const id = `tx-v${version}-${commit ? 'commit' : 'abort'}`;
    const decided = commit ? 'PrepareCommit' : 'PrepareAbort';
    const completed = commit ? 'CompleteCommit' : 'CompleteAbort';

    it('writes the markers once the disk recovers, with no client action, and answers a retried EndTxn as Kafka does', async () => {
      const b = await open(version);
      await b.createTopics({ topics: [{ name: TOPIC, numPartitions: 1 }] });
      const p = await openTransaction(b, id, version, ['a', 'b']);
      const fault = fs.injectFault({ op: 'append', path: DATA_LOG, code: 'ENOSPC' });

      // The decision is durable: EndTxn answers NONE (v2: with the bumped epoch) and the markers follow.
      const ended = await b.transactions.endTransaction(p, commit, version >= 2 ? 2 : 0);
      expect(ended.errorCode).toBe(ErrorCode.NONE);
      if (version >= 2) expect([ended.producerId, ended.producerEpoch]).toEqual([p.producerId, p.producerEpoch + 1]);
      expect(fault.failures).toBe(1);
      expect(stateOf(b, id)).toBe(decided);
      // Until the markers are written the records stay undecided: read_committed stops before them.
      expect(await readCommitted(b)).toMatchObject({ values: [], lastStableOffset: 0 });
      // The producer's retry (a lost response) is told to wait.
      expect((await b.transactions.endTransaction(p, commit, version >= 2 ? 2 : 0)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);

      await failedRounds(fault, 4);
      expect(stateOf(b, id)).toBe(decided);
      // One warning for the transaction, none per retry.
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(id);

      fault.remove();
      clock.advance(BACKOFF_MAX_MS);
      await waitFor(`the transaction reaching ${completed}`, () => stateOf(b, id) === completed, 10000);
      const read = await readCommitted(b);
      expect(read.values).toEqual(commit ? ['a', 'b'] : []);
      expect(read.lastStableOffset).toBe(read.highWatermark);
      expect(warnings.filter((w) => w.includes(id))).toHaveLength(1);

      // A retried EndTxn now gets the answer of a completed transaction.
      const retried = await b.transactions.endTransaction(p, commit, version >= 2 ? 2 : 0);
      expect(retried.errorCode).toBe(ErrorCode.NONE);
      if (version >= 2) expect(retried.producerEpoch).toBe(p.producerEpoch + 1);

      // Nothing is lost across a restart, and the next transaction of the producer commits.
      await b.close();
      const again = await open(version);
      expect(stateOf(again, id)).toBe(completed);
      expect((await readCommitted(again)).values).toEqual(commit ? ['a', 'b'] : []);
      const next = version >= 2 ? { ...p, producerEpoch: p.producerEpoch + 1 } : p;
      if (version >= 2) expect(await again.transactions.addPartitionsImplicitly(next, [{ topic: TOPIC, partition: 0 }])).toBe(ErrorCode.NONE);
      else expect((await again.transactions.addPartitions(next, [{ name: TOPIC, partitions: [0] }]))[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
      const produced = await again.produce({ acks: -1, transactionalId: id, topics: [{ name: TOPIC, partitions: [{ index: 0, records: txnBatch(next, version >= 2 ? 0 : 2, ['c']) }] }] });
      expect(produced.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
      expect((await again.transactions.endTransaction(next, true, version >= 2 ? 2 : 0)).errorCode).toBe(ErrorCode.NONE);
      expect((await readCommitted(again)).values).toEqual(commit ? ['a', 'b', 'c'] : ['c']);
    });

    it('answers NOT_COORDINATOR when the decision cannot be written, leaving the transaction open for the retry', async () => {
      const b = await open(version);
      await b.createTopics({ topics: [{ name: TOPIC, numPartitions: 1 }] });
      const p = await openTransaction(b, id, version, ['a']);
      const fault = fs.injectFault({ op: 'append', path: STATE_LOG, code: 'ENOSPC' });

      const refused = await b.transactions.endTransaction(p, commit, version >= 2 ? 2 : 0);
      expect(refused.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
      expect(fault.failures).toBe(1);
      expect(b.transactions.describe([id])[0]).toMatchObject({ transactionState: 'Ongoing', producerId: p.producerId, producerEpoch: p.producerEpoch });

      fault.remove();
      const ended = await b.transactions.endTransaction(p, commit, version >= 2 ? 2 : 0);
      expect(ended.errorCode).toBe(ErrorCode.NONE);
      if (version >= 2) expect([ended.producerId, ended.producerEpoch]).toEqual([p.producerId, p.producerEpoch + 1]);
      expect(stateOf(b, id)).toBe(completed);
      expect((await readCommitted(b)).values).toEqual(commit ? ['a'] : []);
    });
  });

  it('makes the offsets of a committed transaction visible once its __consumer_offsets marker is written', async () => {
    const b = await open(2);
    await b.createTopics({ topics: [{ name: TOPIC, numPartitions: 1 }] });
    const p = await openTransaction(b, 'tx-offsets', 2, ['a']);
    const sent = await b.transactions.txnOffsetCommit(
      { ...p, groupId: 'copier', generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: null }] }] },
      true,
    );
    expect(sent.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const committedOffset = (x: Broker) => x.fetchOffsets({ groupId: 'copier', topics: [{ name: 'in', partitionIndexes: [0] }] }).topics[0].partitions[0].committedOffset;
    const fault = fs.injectFault({ op: 'append', path: /\/__consumer_offsets-\d+\/\d+\.log$/, code: 'ENOSPC' });

    expect((await b.transactions.endTransaction(p, true, 2)).errorCode).toBe(ErrorCode.NONE);
    expect(fault.failures).toBe(1);
    expect(stateOf(b, 'tx-offsets')).toBe('PrepareCommit');
    expect(committedOffset(b)).toBe(-1);
    await failedRounds(fault, 2);

    fault.remove();
    clock.advance(BACKOFF_MAX_MS);
    await waitFor('the transaction reaching CompleteCommit', () => stateOf(b, 'tx-offsets') === 'CompleteCommit', 10000);
    expect(committedOffset(b)).toBe(7);
    expect((await readCommitted(b)).values).toEqual(['a']);
    await b.close();
    expect(committedOffset(await open(2))).toBe(7);
  });

  it('answers CONCURRENT_TRANSACTIONS to a fencing InitProducerId until the abort it started is written, then bumps the epoch', async () => {
    const b = await open(1);
    await b.createTopics({ topics: [{ name: TOPIC, numPartitions: 1 }] });
    const zombie = await openTransaction(b, 'tx-fence', 1, ['zombie']);
    const fault = fs.injectFault({ op: 'append', path: DATA_LOG, code: 'ENOSPC' });
    const init = () => b.transactions.initProducerId({ transactionalId: 'tx-fence', transactionTimeoutMs: 600000 });

    expect((await init()).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(stateOf(b, 'tx-fence')).toBe('PrepareAbort');
    expect(await b.transactions.endTxn(zombie, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await init()).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);

    fault.remove();
    clock.advance(BACKOFF_MAX_MS);
    await waitFor('the fenced transaction aborted', () => stateOf(b, 'tx-fence') === 'CompleteAbort', 10000);
    const next = await init();
    expect(next.errorCode).toBe(ErrorCode.NONE);
    expect(next.producerEpoch).toBeGreaterThan(zombie.producerEpoch + 1);
    const read = await readCommitted(b);
    expect(read.values).toEqual([]);
    expect(read.lastStableOffset).toBe(read.highWatermark);
    expect(warnings.filter((w) => w.includes('tx-fence'))).toHaveLength(1);
  });

  it('writes the completion record again when it failed, without writing the markers twice', async () => {
    const b = await open(2);
    await b.createTopics({ topics: [{ name: TOPIC, numPartitions: 1 }] });
    const p = await openTransaction(b, 'tx-completion', 2, ['a']);
    // The decision is written; the completion record after the markers is not.
    const fault = fs.injectFault({ op: 'append', path: STATE_LOG, code: 'EIO', after: 1 });

    expect((await b.transactions.endTransaction(p, true, 2)).errorCode).toBe(ErrorCode.NONE);
    expect(fault.failures).toBe(1);
    expect(stateOf(b, 'tx-completion')).toBe('PrepareCommit');
    // The markers are written: read_committed already sees the records.
    expect((await readCommitted(b)).values).toEqual(['a']);

    await failedRounds(fault, 2);
    fault.remove();
    clock.advance(BACKOFF_MAX_MS);
    await waitFor('the transaction reaching CompleteCommit', () => stateOf(b, 'tx-completion') === 'CompleteCommit', 10000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('tx-completion');
    // The write that failed is named by its topic.
    expect(warnings[0]).toContain('writing to __transaction_state-');

    const res = await b.fetch({ maxWaitMs: 0, minBytes: 1, isolationLevel: 0, topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    const batches = decodeRecordBatchesSync(recordSetBuffer(res.responses[0].partitions[0].records!));
    expect(batches.filter((x) => x.isControl)).toHaveLength(1);

    await b.close();
    const again = await open(2);
    expect(stateOf(again, 'tx-completion')).toBe('CompleteCommit');
    expect((await readCommitted(again)).values).toEqual(['a']);
  });

  it('stops retrying when the broker closes, and goes on after a restart on the still failing disk', async () => {
    const b = await open(1);
    await b.createTopics({ topics: [{ name: TOPIC, numPartitions: 1 }] });
    const p = await openTransaction(b, 'tx-closing', 1, ['a']);
    const fault = fs.injectFault({ op: 'append', path: DATA_LOG, code: 'ENOSPC' });
    expect(await b.transactions.endTxn(p, true)).toBe(ErrorCode.NONE);
    await failedRounds(fault, 1);
    await b.close();
    broker = undefined;
    const failures = fault.failures;
    clock.advance(10 * BACKOFF_MAX_MS);
    await settle();
    expect(fault.failures).toBe(failures);
    expect(clock.pending).toBe(0);

    // The decision survives: a start-up on the still failing disk opens the broker and goes on retrying.
    const again = await open(1);
    expect(stateOf(again, 'tx-closing')).toBe('PrepareCommit');
    await failedRounds(fault, 1);
    fault.remove();
    clock.advance(BACKOFF_MAX_MS);
    await waitFor('the transaction completed after the restart', () => stateOf(again, 'tx-closing') === 'CompleteCommit', 10000);
    expect((await readCommitted(again)).values).toEqual(['a']);
  });

  it('serves a kafkajs transactional producer through a failed marker write and a failed decision write', async () => {
    // The broker's own clock: the retries run in real time, as for any client.
    broker = await Broker.open({ fs, dataDir: '/data', logger: warningsInto(warnings), logCleaner: null });
    const server: WireServer = await startWireServer(broker, { port: 0 });
    const kafka = new Kafka({ clientId: 'txn-faults', brokers: [`127.0.0.1:${server.port}`], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 1000 } });
    const producer = () => kafka.producer({ transactionalId: 'tx-kafkajs', idempotent: true, maxInFlightRequests: 1 });
    const first = producer();
    const second = producer();
    try {
      await broker.createTopics({ topics: [{ name: TOPIC, numPartitions: 1 }] });
      await first.connect();
      const committed = await first.transaction();
      await committed.send({ topic: TOPIC, messages: [{ partition: 0, value: 'a' }] });
      const markerFault = fs.injectFault({ op: 'append', path: DATA_LOG, code: 'ENOSPC', times: 1 });
      await committed.commit();
      expect(markerFault.failures).toBe(1);
      // The next transaction waits (CONCURRENT_TRANSACTIONS, retried by kafkajs) until the retried marker is written.
      const refused = await first.transaction();
      await refused.send({ topic: TOPIC, messages: [{ partition: 0, value: 'b' }] });
      const decisionFault = fs.injectFault({ op: 'append', path: STATE_LOG, code: 'ENOSPC', times: 1 });
      // kafkajs does not retry EndTxn: it reports NOT_COORDINATOR (code 16), as against Apache Kafka.
      await expect(refused.commit()).rejects.toMatchObject({ type: 'NOT_COORDINATOR_FOR_GROUP' });
      expect(decisionFault.failures).toBe(1);
      expect(stateOf(broker, 'tx-kafkajs')).toBe('Ongoing');
      // The application's next producer with the same transactional id aborts the open transaction and goes on.
      await second.connect();
      const next = await second.transaction();
      await next.send({ topic: TOPIC, messages: [{ partition: 0, value: 'c' }] });
      await next.commit();
      const read = await readCommitted(broker);
      expect(read.values).toEqual(['a', 'c']);
      expect(read.lastStableOffset).toBe(read.highWatermark);
    } finally {
      await first.disconnect();
      await second.disconnect();
      await server.close();
    }
  });
});
