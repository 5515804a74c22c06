/**
 * kafkajs 2.2.4 as a load client: topic creation, a sequential batch producer and a group
 * consumer reading a topic from the beginning.
 */
import { Kafka, logLevel } from 'kafkajs';

export const KAFKAJS_BATCH = 1000;
const WARMUP_SENDS = 20;

function client(bootstrap: string): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId: 'bindery-wire-bench', logLevel: logLevel.NOTHING });
}

/** Creates one-partition topics (replication 1), so every broker runs the same layout. */
export async function createTopics(bootstrap: string, topics: string[]): Promise<void> {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })) });
  } finally {
    await admin.disconnect();
  }
}

function p99(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

/**
 * Sequential sends of KAFKAJS_BATCH records of `recordSize` bytes with `acks`, after
 * WARMUP_SENDS warm-up sends: records/s and the p99 latency of one send. Returns how many records
 * the topic then holds.
 */
export async function kafkajsProduce(bootstrap: string, topic: string, records: number, recordSize: number, acks: -1 | 1): Promise<{ recordsPerS: number; p99Ms: number; written: number }> {
  const producer = client(bootstrap).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const value = Buffer.alloc(recordSize, 'x');
    const messages = Array.from({ length: KAFKAJS_BATCH }, () => ({ value }));
    for (let i = 0; i < WARMUP_SENDS; i++) await producer.send({ topic, acks, messages });
    const latencies: number[] = [];
    const start = process.hrtime.bigint();
    for (let sent = 0; sent < records; sent += KAFKAJS_BATCH) {
      const s = process.hrtime.bigint();
      await producer.send({ topic, acks, messages });
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { recordsPerS: records / seconds, p99Ms: p99(latencies), written: records + WARMUP_SENDS * KAFKAJS_BATCH };
  } finally {
    await producer.disconnect();
  }
}

/** Records the topics hold now (high watermark − log start, over all partitions). */
export async function recordsIn(bootstrap: string, topics: string[]): Promise<number> {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A group consumer reading every record of `topics` from the beginning; records/s from joining
 * the group to the last batch (the join itself is left out: it includes the broker's initial
 * rebalance delay).
 */
export async function kafkajsConsume(bootstrap: string, topics: string[]): Promise<{ recordsPerS: number; records: number }> {
  const expected = await recordsIn(bootstrap, topics);
  const consumer = client(bootstrap).consumer({ groupId: `bench-kafkajs-${Date.now()}`, maxBytes: 10 << 20, maxBytesPerPartition: 10 << 20 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    let seen = 0;
    let joined = process.hrtime.bigint(); // until the GROUP_JOIN event
    let last = 0n;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = process.hrtime.bigint()));
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the kafkajs consumer saw ${seen} of ${expected} records within 120 s`)), 120_000);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            seen += batch.messages.length;
            last = process.hrtime.bigint();
            if (seen >= expected) {
              clearTimeout(deadline);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return { recordsPerS: seen / (Number(last - joined) / 1e9), records: seen };
  } finally {
    await consumer.disconnect();
  }
}
