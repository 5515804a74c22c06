/**
 * The records of `__transaction_state` in Kafka's layout (TransactionLogKey / TransactionLogValue),
 * so Kafka's tools read them:
 *
 *   key:   version: int16 (0), transactionalId: string
 *   value: version: int16 (0), producerId: int64, producerEpoch: int16, transactionTimeoutMs: int32,
 *          transactionStatus: int8, transactionPartitions: nullable [topic: string, partitionIds: [int32]],
 *          transactionLastUpdateTimestampMs: int64, transactionStartTimestampMs: int64
 *
 * Value version 1 (written from transaction.version 1 on) is the flexible form of the same fields
 * (compact strings and arrays, tagged-field sections) with tagged fields PreviousProducerId (0),
 * NextProducerId (1) and ClientTransactionVersion (2), which transactions version 2 needs.
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

/** Kafka's TransactionVersion.transactionLogValueVersion: the flexible value from transaction.version 1 on. */
export function transactionLogValueVersion(transactionVersion: number): number {
  return transactionVersion >= 1 ? 1 : 0;
}

const TAG_PREVIOUS_PRODUCER_ID = 0;
const TAG_NEXT_PRODUCER_ID = 1;
const TAG_CLIENT_TRANSACTION_VERSION = 2;

export function encodeTransactionLogValue(m: TransactionMetadata, valueVersion = TRANSACTION_LOG_VERSION): Buffer {
  const flexible = valueVersion >= 1;
  const w = new ByteWriter(64).int16(valueVersion).int64n(m.producerId).int16(m.producerEpoch).int32(m.txnTimeoutMs).int8(m.state.id);
  const count = (n: number): ByteWriter => (flexible ? w.uvarint(n + 1) : w.int32(n));
  const topics = m.partitionsByTopic();
  count(topics.length);
  for (const t of topics) {
    if (flexible) w.compactString(t.topic);
    else w.string(t.topic);
    count(t.partitions.length);
    for (const p of t.partitions) w.int32(p);
    if (flexible) w.uvarint(0);
  }
  w.int64n(m.txnLastUpdateTimestamp).int64n(m.txnStartTimestamp);
  if (flexible) {
    // Tagged fields in tag order, each only when it differs from its default.
    const tagged: [number, Buffer][] = [];
    if (m.prevProducerId !== -1) tagged.push([TAG_PREVIOUS_PRODUCER_ID, new ByteWriter(8).int64n(m.prevProducerId).toBufferCopy()]);
    if (m.nextProducerId !== -1) tagged.push([TAG_NEXT_PRODUCER_ID, new ByteWriter(8).int64n(m.nextProducerId).toBufferCopy()]);
    if (m.clientTransactionVersion !== 0) tagged.push([TAG_CLIENT_TRANSACTION_VERSION, new ByteWriter(2).int16(m.clientTransactionVersion).toBufferCopy()]);
    w.uvarint(tagged.length);
    for (const [tag, bytes] of tagged) w.uvarint(tag).uvarint(bytes.length).raw(bytes);
  }
  return w.toBufferCopy();
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
  if (flexible && r.remaining > 0) {
    const n = r.uvarint();
    for (let i = 0; i < n; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      if (tag === TAG_PREVIOUS_PRODUCER_ID) m.prevProducerId = r.int64n();
      else if (tag === TAG_NEXT_PRODUCER_ID) m.nextProducerId = r.int64n();
      else if (tag === TAG_CLIENT_TRANSACTION_VERSION) m.clientTransactionVersion = r.int16();
      else r.skip(size);
    }
  }
  return m;
}

function skipTaggedFields(r: ByteReader): void {
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    r.uvarint();
    r.skip(r.uvarint());
  }
}
