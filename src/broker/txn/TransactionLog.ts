/**
 * The records of `__transaction_state` in Kafka's layout (TransactionLogKey / TransactionLogValue
 * version 0), so Kafka's tools read them:
 *
 *   key:   version: int16 (0), transactionalId: string
 *   value: version: int16 (0), producerId: int64, producerEpoch: int16, transactionTimeoutMs: int32,
 *          transactionStatus: int8, transactionPartitions: nullable [topic: string, partitionIds: [int32]],
 *          transactionLastUpdateTimestampMs: int64, transactionStartTimestampMs: int64
 *
 * A null value (tombstone) removes the transactional id. Placement: Kafka's
 * `abs(transactionalId.hashCode) % transaction.state.log.num.partitions`.
 */
import { coordinatorPartitionFor } from '../../protocol/coordinator';
import { ByteReader, ByteWriter } from '../../protocol/primitives';
import { TransactionMetadata } from './TransactionMetadata';
import { transactionStateById } from './TransactionState';

export const TRANSACTION_LOG_VERSION = 0;

export function transactionLogPartitionFor(transactionalId: string, partitionCount: number): number {
  return coordinatorPartitionFor(transactionalId, partitionCount);
}

export function encodeTransactionLogKey(transactionalId: string): Buffer {
  return new ByteWriter(4 + transactionalId.length * 3).int16(TRANSACTION_LOG_VERSION).string(transactionalId).toBufferCopy();
}

export function decodeTransactionLogKey(buf: Buffer): string | null {
  const r = new ByteReader(buf);
  const version = r.int16();
  return version === TRANSACTION_LOG_VERSION ? r.string() : null;
}

export function encodeTransactionLogValue(m: TransactionMetadata): Buffer {
  const w = new ByteWriter(64).int16(TRANSACTION_LOG_VERSION).int64n(m.producerId).int16(m.producerEpoch).int32(m.txnTimeoutMs).int8(m.state.id);
  const topics = m.partitionsByTopic();
  w.int32(topics.length);
  for (const t of topics) {
    w.string(t.topic).int32(t.partitions.length);
    for (const p of t.partitions) w.int32(p);
  }
  return w.int64n(m.txnLastUpdateTimestamp).int64n(m.txnStartTimestamp).toBufferCopy();
}

/** The metadata a value describes; throws on bytes that do not follow the layout. */
export function decodeTransactionLogValue(transactionalId: string, buf: Buffer): TransactionMetadata {
  const r = new ByteReader(buf);
  const version = r.int16();
  if (version !== 0 && version !== 1) throw new RangeError(`__transaction_state value version ${version} is not supported`);
  const producerId = r.int64n();
  const producerEpoch = r.int16();
  const timeout = r.int32();
  const stateId = r.int8();
  const state = transactionStateById(stateId);
  if (!state) throw new RangeError(`__transaction_state value has unknown state ${stateId}`);
  const flexible = version >= 1;
  const count = (): number => (flexible ? r.uvarint() - 1 : r.int32());
  const str = (): string => (flexible ? r.compactString() : r.string());
  const parts: { topic: string; partition: number }[] = [];
  const topics = count();
  for (let i = 0; i < topics; i++) {
    const topic = str();
    const n = count();
    for (let j = 0; j < n; j++) parts.push({ topic, partition: r.int32() });
    if (flexible) skipTaggedFields(r);
  }
  const lastUpdate = r.int64n();
  const start = r.int64n();
  const m = new TransactionMetadata(transactionalId, producerId, producerEpoch, timeout, state, start, lastUpdate);
  m.addPartitions(parts);
  return m;
}

function skipTaggedFields(r: ByteReader): void {
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    r.uvarint();
    r.skip(r.uvarint());
  }
}
