/**
 * Waiting until a topic the binder created (or found being created) is served: every partition
 * has a leader in the metadata a broker answers. On Apache Kafka a topic the controller has just
 * made reaches the brokers' metadata a moment later, so until then they answer
 * UNKNOWN_TOPIC_OR_PARTITION or LEADER_NOT_AVAILABLE.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { BinderyError } from '../../protocol/primitives/errors';
import { hasErrorType } from './errors';

/** Metadata answers meaning "created, not yet visible here". */
const NOT_YET_VISIBLE = ['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE'];

/** A topic that exists (or was just created) never showed leaders for all its partitions in time. */
export class KafkaTopicNotVisibleError extends BinderyError {
  constructor(
    readonly topic: string,
    readonly brokers: string[],
    readonly waitedMs: number,
    readonly lastAnswer: string,
  ) {
    super(
      'KAFKA_TOPIC_NOT_VISIBLE',
      `Topic '${topic}' was created but its partitions had no leaders in the metadata of ${brokers.join(',')} ` +
        `after ${waitedMs} ms (last answer: ${lastAnswer}). Check that the brokers are healthy and agree on a ` +
        `controller, or raise binders.kafka.requestTimeoutMs.`,
    );
  }
}

export interface TopicLeaderWait {
  brokers: string[];
  /** How long to wait at most. */
  timeoutMs: number;
  /** Pause between metadata requests. */
  pollMs: number;
}

/**
 * Resolves once every partition of `topic` has a leader in the metadata of every broker of the
 * cluster (a client may ask any of them next); other metadata errors are thrown as they are.
 * `adminOf` makes an admin client that asks one broker, by its address.
 */
export async function awaitTopicLeaders(admin: Admin, topic: string, wait: TopicLeaderWait, adminOf?: (address: string) => Admin): Promise<void> {
  const started = Date.now();
  await untilLeaders(admin, topic, wait, started);
  if (!adminOf) return;
  const { brokers } = await admin.describeCluster();
  if (brokers.length <= 1) return;
  for (const broker of brokers) {
    const one = adminOf(`${broker.host}:${broker.port}`);
    await one.connect();
    try {
      await untilLeaders(one, topic, wait, started);
    } finally {
      await one.disconnect().catch(() => undefined);
    }
  }
}

async function untilLeaders(admin: Admin, topic: string, wait: TopicLeaderWait, started: number): Promise<void> {
  let lastAnswer = 'no answer yet';
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
      lastAnswer = `${partitions.filter((p) => p.leader < 0).length} of ${partitions.length} partitions without a leader`;
    } catch (error) {
      const type = NOT_YET_VISIBLE.find((t) => hasErrorType(error, t));
      if (type === undefined) throw error;
      lastAnswer = type;
    }
    const waited = Date.now() - started;
    if (waited >= wait.timeoutMs) throw new KafkaTopicNotVisibleError(topic, wait.brokers, waited, lastAnswer);
    await delay(Math.min(wait.pollMs, wait.timeoutMs - waited));
  }
}
