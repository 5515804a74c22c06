/** Builders and readers for broker tests: record batches in, batch headers out. */
import { encodeRecordBatchSync } from '../../../../src/protocol/records/encodeBatch';
import { BatchHeaderView } from '../../../../src/protocol/records/batchHeader';
import { CompressionType } from '../../../../src/protocol/records/types';
import type { Broker } from '../../../../src/broker/Broker';
import type { FetchPartitionResponse } from '../../../../src/broker/fetch/types';
import { recordSetBuffer, type RecordSet } from '../../../../src/protocol/messages/schemaTypes';

export interface BatchOptions {
  count?: number;
  valueSize?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  compression?: CompressionType;
  timestamp?: number;
  keyPrefix?: string;
}

export function makeBatch(opts: BatchOptions = {}): Buffer {
  const count = opts.count ?? 1;
  const value = Buffer.alloc(opts.valueSize ?? 10, 'v');
  return encodeRecordBatchSync({
    records: Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`${opts.keyPrefix ?? 'k'}${i}`), value, timestamp: opts.timestamp })),
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: opts.baseSequence,
    compression: opts.compression ?? CompressionType.None,
  });
}

/** Batch headers of stored records (a fetch may give them in several pieces). */
export function headers(set: RecordSet | null): BatchHeaderView[] {
  const out: BatchHeaderView[] = [];
  if (!set) return out;
  const records = recordSetBuffer(set);
  for (let at = 0; at + 61 <= records.length; ) {
    const v = new BatchHeaderView(records, at);
    out.push(v);
    at += v.sizeInBytes;
  }
  return out;
}

export async function produceOne(broker: Broker, topic: string, partition: number, records: Buffer, acks = 1) {
  const res = await broker.produce({ acks, topics: [{ name: topic, partitions: [{ index: partition, records }] }] });
  return res.responses[0].partitionResponses[0];
}

/** One partition of a fetch response, its records joined into one Buffer. */
export type FetchedPartition = Omit<FetchPartitionResponse, 'records'> & { records: Buffer | null };

export async function fetchOne(
  broker: Broker,
  topic: string,
  partition: number,
  fetchOffset: number,
  opts: { maxWaitMs?: number; minBytes?: number; partitionMaxBytes?: number; maxBytes?: number } = {},
): Promise<FetchedPartition> {
  const res = await broker.fetch({
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 1,
    maxBytes: opts.maxBytes,
    topics: [{ topic, partitions: [{ partition, fetchOffset, partitionMaxBytes: opts.partitionMaxBytes ?? 1 << 20 }] }],
  });
  const p = res.responses[0].partitions[0];
  return { ...p, records: p.records && recordSetBuffer(p.records) };
}

/** Every batch of a partition from its start, by repeated fetches (bounded). */
export async function readAll(broker: Broker, topic: string, partition: number): Promise<BatchHeaderView[]> {
  const out: BatchHeaderView[] = [];
  let offset = (await broker.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: -2 }] }] })).topics[0].partitions[0].offset;
  for (let i = 0; i < 100000; i++) {
    const p = await fetchOne(broker, topic, partition, offset);
    const hs = headers(p.records).filter((h) => h.lastOffset >= offset);
    if (hs.length === 0) break;
    out.push(...hs);
    offset = hs[hs.length - 1].lastOffset + 1;
  }
  return out;
}
