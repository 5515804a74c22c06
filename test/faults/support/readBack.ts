/**
 * Reads a topic back through the wire as a user would (kafkajs, a fresh consumer group from the
 * earliest offset) up to the high watermarks the broker reports, and checks what was acknowledged
 * against what is there.
 */
import { Kafka, logLevel } from 'kafkajs';
import { waitUntil } from './summary';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export interface StoredRecord {
  partition: number;
  offset: number;
  value: string;
}

export interface ReadBack {
  records: StoredRecord[];
  /** Whether every partition was read up to its high watermark within the deadline. */
  complete: boolean;
}

export function kafkaClient(bootstrap: string, clientId: string, retries = 5): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

export async function readTopic(bootstrap: string, topic: string, timeoutMs: number): Promise<ReadBack> {
  const kafka = kafkaClient(bootstrap, 'fault-reader');
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const high = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  const next = new Map(ends.map((p) => [p.partition, Number(p.low)]));
  const records: StoredRecord[] = [];
  const consumer = kafka.consumer({ groupId: `fault-reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 200, retry: { retries: 3 } });
  await consumer.connect();
  let complete = true;
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          records.push({ partition: batch.partition, offset, value: m.value === null ? '' : m.value.toString() });
          next.set(batch.partition, Math.max(next.get(batch.partition) ?? 0, offset + 1));
        }
      },
    });
    const caughtUp = () => [...high].every(([partition, end]) => (next.get(partition) ?? 0) >= end);
    await waitUntil(`${topic} read up to its high watermarks`, caughtUp, timeoutMs).catch(() => (complete = false));
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return { records, complete };
}

export interface Acknowledged {
  partition: number;
  offset: number;
  value: string;
}

export interface Reconciliation {
  acknowledged: number;
  /** Acknowledged records found with their value at their acknowledged partition and offset. */
  found: number;
  /** Acknowledged records not found at all. */
  lost: number;
  /** Stored records whose value is stored more than once (extra copies counted), acknowledged or not. */
  duplicated: number;
  /** Acknowledged values found, but not at the partition and offset they were acknowledged with. */
  misplaced: number;
}

/** Compares acknowledged records (values unique per record) with what was read back. */
export function reconcile(acknowledged: readonly Acknowledged[], stored: readonly StoredRecord[]): Reconciliation {
  const copies = new Map<string, StoredRecord[]>();
  for (const r of stored) {
    const list = copies.get(r.value);
    if (list) list.push(r);
    else copies.set(r.value, [r]);
  }
  let found = 0;
  let lost = 0;
  const duplicated = stored.length - copies.size;
  let misplaced = 0;
  for (const a of acknowledged) {
    const at = copies.get(a.value) ?? [];
    if (at.length === 0) lost++;
    else if (at.some((r) => r.partition === a.partition && r.offset === a.offset)) found++;
    else misplaced++;
  }
  return { acknowledged: acknowledged.length, found, lost, duplicated, misplaced };
}
