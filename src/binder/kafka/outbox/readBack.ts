/**
 * Reads ranges of a topic's partitions back from the cluster, for a restarted outbox to find which
 * of its stored records the previous process delivered before it died (their origin header).
 * A throwaway consumer group positioned by seek; bounded in time.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { BinderyError } from '../../../protocol/primitives/errors';

export interface ReadBackRange {
  partition: number;
  /** First offset to read. */
  from: number;
  /** Offset after the last one to read (the high watermark when the range was taken). */
  to: number;
}

export class OutboxReadBackError extends BinderyError {
  constructor(topic: string, timeoutMs: number) {
    super(
      'KAFKA_OUTBOX_READ_BACK',
      `The outbox could not read back '${topic}' within ${timeoutMs} ms to find what was already delivered; it retries before forwarding.`,
    );
  }
}

/** Values of header `headerKey` on the records of `ranges`. */
export async function readBackHeaders(kafka: Kafka, topic: string, ranges: ReadBackRange[], headerKey: string, timeoutMs: number): Promise<string[]> {
  const wanted = ranges.filter((r) => r.to > r.from);
  if (wanted.length === 0) return [];
  const groupId = `bindery.outbox.read-back.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  const found: string[] = [];
  const pending = new Map(wanted.map((r) => [r.partition, r]));
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new OutboxReadBackError(topic, timeoutMs)), timeoutMs);
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const r of wanted) consumer.seek({ topic, partition: r.partition, offset: String(r.from) });
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const range = pending.get(batch.partition);
            if (!range) return;
            for (const message of batch.messages) {
              const offset = Number(message.offset);
              if (offset < range.from || offset >= range.to) continue;
              const value = message.headers?.[headerKey];
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) found.push(v.toString());
            }
            if (Number(batch.lastOffset()) + 1 >= range.to) pending.delete(batch.partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
    return found;
  } finally {
    if (timer) clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect().catch(() => undefined));
  }
}
