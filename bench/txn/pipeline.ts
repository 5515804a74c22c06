/**
 * A kafkajs read-process-write pipeline, with and without transactions: a group consumer reads an
 * input topic from the start, each fetched batch is copied to an output topic and the consumed
 * offset is committed every COMMIT_INTERVAL_MS. Transactional: the outputs and the offsets of
 * each interval go in one transaction (sendOffsets, then commit). Plain: the outputs are sent with
 * acks=-1 and the offsets committed with OffsetCommit at the same interval. Both run the same
 * consumer settings and the same send sizes, so the difference is what transactions cost.
 */
import { Kafka, logLevel, type Producer, type Transaction } from 'kafkajs';

export const COMMIT_INTERVAL_MS = 100;
/** Records per produce request: below Kafka's default message.max.bytes for 1 KiB records. */
const SEND_CHUNK = 500;
const FETCH_BYTES = 1 << 20;
const PIPELINE_TIMEOUT_MS = 300_000;

export type PipelineMode = 'plain' | 'transactional';

function client(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING });
}

/** Creates one-partition topics (replication 1). */
export async function createTopics(bootstrap: string, topics: string[]): Promise<void> {
  const admin = client(bootstrap, 'bindery-txn-bench-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })) });
  } finally {
    await admin.disconnect();
  }
}

/** Writes `records` keyed records of `recordSize` bytes to `topic` (plain producer, acks=-1). */
export async function fillInput(bootstrap: string, topic: string, records: number, recordSize: number): Promise<void> {
  const producer = client(bootstrap, 'bindery-txn-bench-fill').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const value = Buffer.alloc(recordSize, 'x');
    for (let sent = 0; sent < records; sent += SEND_CHUNK) {
      const n = Math.min(SEND_CHUNK, records - sent);
      await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ key: String((sent + i) % 1000), value })) });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface PipelineResult {
  recordsPerS: number;
  records: number;
  commits: number;
}

/**
 * Copies `records` records from `input` to `output` in the given mode; records/s from the first
 * fetched batch to the last commit (group join and producer start-up left out).
 */
export async function runPipeline(bootstrap: string, mode: PipelineMode, input: string, output: string, records: number): Promise<PipelineResult> {
  const kafka = client(bootstrap, `bindery-txn-bench-${mode}`);
  const groupId = `bench-rpw-${mode}-${output}`;
  const producer =
    mode === 'transactional'
      ? kafka.producer({ transactionalId: `bench-rpw-${output}`, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
      : kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId, maxBytes: FETCH_BYTES, maxBytesPerPartition: FETCH_BYTES });
  await producer.connect();
  await consumer.connect();
  try {
    if (mode === 'transactional') await warmUpTransaction(producer, output);
    await consumer.subscribe({ topics: [input], fromBeginning: true });
    const pipeline = new Copier(producer, mode, groupId, input, output, (offsets) =>
      consumer.commitOffsets(offsets.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })))),
    );
    let started = 0n;
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the ${mode} pipeline copied ${pipeline.copied} of ${records} records within ${PIPELINE_TIMEOUT_MS / 1000} s`)), PIPELINE_TIMEOUT_MS);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            if (started === 0n) started = process.hrtime.bigint();
            if (pipeline.copied >= records || batch.messages.length === 0) return;
            try {
              await pipeline.copy(batch.partition, batch.messages);
              resolveOffset(batch.lastOffset());
              await heartbeat();
              if (pipeline.copied >= records) await pipeline.commit();
            } catch (error) {
              // a failed send or commit ends the run (kafkajs would retry the batch and copy it twice)
              clearTimeout(deadline);
              reject(error instanceof Error ? error : new Error(String(error)));
              return;
            }
            if (pipeline.copied >= records) {
              clearTimeout(deadline);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { recordsPerS: pipeline.copied / seconds, records: pipeline.copied, commits: pipeline.commits };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

/** InitProducerId and a first transaction (the coordinator's topic is made then), before the clock starts. */
async function warmUpTransaction(producer: Producer, topic: string): Promise<void> {
  const txn = await producer.transaction();
  await txn.send({ topic, acks: -1, messages: [{ key: 'warm-up', value: 'warm-up' }] });
  await txn.commit();
}

interface TopicOffsets {
  topic: string;
  partitions: Array<{ partition: number; offset: string }>;
}

interface Message {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
}

/** One pipeline's sends and commits. */
class Copier {
  copied = 0;
  commits = 0;
  private txn: Transaction | null = null;
  private intervalStart = Date.now();
  private next: { partition: number; offset: string } | null = null;

  constructor(
    private readonly producer: Producer,
    private readonly mode: PipelineMode,
    private readonly groupId: string,
    private readonly input: string,
    private readonly output: string,
    /** The plain pipeline's offset commit (its consumer's OffsetCommit). */
    private readonly consumerCommit: (offsets: TopicOffsets[]) => Promise<void>,
  ) {}

  async copy(partition: number, messages: Message[]): Promise<void> {
    if (this.mode === 'transactional' && this.txn === null) {
      this.txn = await this.producer.transaction();
      this.intervalStart = Date.now();
    }
    const sender = this.txn ?? this.producer;
    for (let at = 0; at < messages.length; at += SEND_CHUNK) {
      // the "process" step: a copy of key and value
      const out = messages.slice(at, at + SEND_CHUNK).map((m) => ({ key: m.key, value: m.value }));
      await sender.send({ topic: this.output, acks: -1, messages: out });
    }
    this.copied += messages.length;
    this.next = { partition, offset: String(Number(messages[messages.length - 1].offset) + 1) };
    if (Date.now() - this.intervalStart >= COMMIT_INTERVAL_MS) await this.commit();
  }

  /** Commits what was copied since the last commit: the transaction with its offsets, or the offsets alone. */
  async commit(): Promise<void> {
    if (this.next === null) return;
    const topics: TopicOffsets[] = [{ topic: this.input, partitions: [this.next] }];
    if (this.txn) {
      await this.txn.sendOffsets({ consumerGroupId: this.groupId, topics });
      await this.txn.commit();
      this.txn = null;
    } else {
      await this.consumerCommit(topics);
      this.intervalStart = Date.now();
    }
    this.next = null;
    this.commits++;
  }

}
