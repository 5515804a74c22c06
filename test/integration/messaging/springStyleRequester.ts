/**
 * What Spring's ReplyingKafkaTemplate puts on the wire, done with a raw kafkajs producer and
 * consumer: a request with only kafka_replyTopic (UTF-8), kafka_replyPartition (4-byte int) and
 * kafka_correlationId (16 bytes), and the reply read from that partition.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface SpringStyleReply {
  value: string;
  partition: number;
  correlationId: Buffer | undefined;
  sentCorrelationId: Buffer;
}

/** Sends one request to `topic` and waits (bounded) for its reply on partition 1 of a reply topic of its own. */
export async function springStyleRequest(kafka: Kafka, topic: string, value: string, timeoutMs = 30000): Promise<SpringStyleReply> {
  const replyTopic = `${topic}-replies`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: replyTopic, numPartitions: 2, replicationFactor: 1 }] });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `${replyTopic}-reader` });
  const producer = kafka.producer();
  const correlationId = randomBytes(16);
  const replyPartition = Buffer.alloc(4);
  replyPartition.writeInt32BE(1);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: replyTopic, fromBeginning: true });
    const reply = new Promise<SpringStyleReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply on ${replyTopic} within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          clearTimeout(timer);
          const header = message.headers?.kafka_correlationId;
          resolve({
            value: message.value?.toString() ?? '',
            partition,
            correlationId: Buffer.isBuffer(header) ? header : undefined,
            sentCorrelationId: correlationId,
          });
        },
      });
    });
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ value, headers: { kafka_replyTopic: Buffer.from(replyTopic), kafka_replyPartition: replyPartition, kafka_correlationId: correlationId } }],
    });
    return await reply;
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
}
