import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { ATTR, BATCH } from '../../../src/protocol/records/batchHeader';
import { fetchOne, makeBatch, produceOne } from './support/batches';

describe('bad requests get Kafka error codes, never exceptions', () => {
  let broker: Broker;
  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data', config: { autoCreateTopicsEnable: false } });
    await broker.createTopics({ topics: [{ name: 'known', numPartitions: 1, configs: [{ name: 'max.message.bytes', value: '1000' }] }] });
  });
  afterEach(async () => {
    await broker.close();
  });

  it('unknown topics and partitions with auto-create off', async () => {
    const produced = await produceOne(broker, 'missing', 0, makeBatch());
    expect(produced.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(produced.errorMessage).toMatch(/auto.create.topics.enable/);
    expect((await produceOne(broker, 'known', 7, makeBatch())).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await fetchOne(broker, 'missing', 0, 0)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await fetchOne(broker, 'known', 3, 0)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const offsets = await broker.listOffsets({ topics: [{ name: 'missing', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] });
    expect(offsets.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const meta = await broker.metadata({ topics: [{ name: 'missing' }], allowAutoTopicCreation: true });
    expect(meta.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const fetchById = await broker.fetch({ maxWaitMs: 0, minBytes: 1, topics: [{ topicId: '6b1f2a52-52f2-4f3c-9a3e-1c2d3e4f5a6b', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 100 }] }] });
    expect(fetchById.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('negative and past-the-end offsets', async () => {
    await produceOne(broker, 'known', 0, makeBatch({ count: 2 }));
    expect((await fetchOne(broker, 'known', 0, -5)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await fetchOne(broker, 'known', 0, 3)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const del = await broker.deleteRecords({ topics: [{ name: 'known', partitions: [{ partitionIndex: 0, offset: 10 }] }] });
    expect(del.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('an oversized batch', async () => {
    const r = await produceOne(broker, 'known', 0, makeBatch({ count: 1, valueSize: 2000 }));
    expect(r.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(r.errorMessage).toMatch(/max.message.bytes/);
  });

  it('corrupt and truncated batches, and a wrong magic byte', async () => {
    const flipped = makeBatch({ count: 3 });
    flipped[flipped.length - 1] ^= 0xff;
    expect((await produceOne(broker, 'known', 0, flipped)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const truncated = makeBatch({ count: 3 }).subarray(0, 40);
    expect((await produceOne(broker, 'known', 0, Buffer.from(truncated))).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const cut = makeBatch({ count: 3 });
    expect((await produceOne(broker, 'known', 0, Buffer.from(cut.subarray(0, cut.length - 5)))).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const magic = makeBatch();
    magic[BATCH.MAGIC] = 1;
    expect((await produceOne(broker, 'known', 0, magic)).errorCode).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    expect((await produceOne(broker, 'known', 0, Buffer.alloc(0))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    // Nothing of the refused requests reached the log.
    expect((await fetchOne(broker, 'known', 0, 0)).highWatermark).toBe(0);
  });

  it('invalid acks, transactional and control batches, internal topics', async () => {
    const acks = await broker.produce({ acks: 2, topics: [{ name: 'known', partitions: [{ index: 0, records: makeBatch() }] }] });
    expect(acks.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    const txn = makeBatch({ producerId: 1, producerEpoch: 0, baseSequence: 0 });
    txn.writeInt16BE(txn.readInt16BE(BATCH.ATTRIBUTES) | ATTR.TRANSACTIONAL, BATCH.ATTRIBUTES);
    expect((await produceOne(broker, 'known', 0, txn)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    // A transactional batch of a transactional id the coordinator never gave this producer id.
    const unknownTxn = await broker.produce({ acks: 1, transactionalId: 'tx', topics: [{ name: 'known', partitions: [{ index: 0, records: txn }] }] });
    expect(unknownTxn.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const control = makeBatch();
    control.writeInt16BE(control.readInt16BE(BATCH.ATTRIBUTES) | ATTR.CONTROL, BATCH.ATTRIBUTES);
    expect((await produceOne(broker, 'known', 0, control)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produceOne(broker, '__consumer_offsets', 0, makeBatch())).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect((await produceOne(broker, 'bad name!', 0, makeBatch())).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('timestamps outside message.timestamp.before/after.max.ms', async () => {
    await broker.createTopics({ topics: [{ name: 'recent', configs: [{ name: 'message.timestamp.before.max.ms', value: '60000' }] }] });
    const r = await produceOne(broker, 'recent', 0, makeBatch({ timestamp: Date.now() - 3_600_000 }));
    expect(r.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect(r.recordErrors).toEqual([{ batchIndex: 0, batchIndexErrorMessage: expect.stringMatching(/timestamp/) }]);
    expect((await produceOne(broker, 'recent', 0, makeBatch({ timestamp: Date.now() }))).errorCode).toBe(ErrorCode.NONE);
  });

  it('unsupported ListOffsets timestamps', async () => {
    const res = await broker.listOffsets({ topics: [{ name: 'known', partitions: [{ partitionIndex: 0, timestamp: -9 }] }] });
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, offset: -1 });
  });
});
