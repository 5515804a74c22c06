import { Kafka, logLevel, CompressionTypes, type Admin, type IHeaders } from 'kafkajs';
import { BinderyError } from '../protocol/primitives/errors';
import { registerCompressionCodecs } from '../binder/kafka/codecs';
import { installRequestQueueTimerFix } from '../binder/kafka/requestQueueTimerFix';

/** A command named a topic the cluster does not have. */
export class TopicNotFoundError extends BinderyError {
  constructor(names: string[]) {
    super(
      'TOPIC_NOT_FOUND',
      `${names.length === 1 ? `topic '${names[0]}' does not exist` : `topics ${names.map((n) => `'${n}'`).join(', ')} do not exist`}; ` +
        '`bindery topics list` shows the topics there are.',
    );
  }
}

/**
 * A small admin/client facade over kafkajs for the `bindery` command line (topics, produce,
 * consume, groups). It works against `bindery broker` and Apache Kafka alike.
 */
export interface CliClientOptions {
  brokers: string[];
  clientId?: string;
  /** SASL/PLAIN credentials, when the broker requires them. */
  sasl?: { username: string; password: string };
}

export interface TopicSummary {
  name: string;
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[]; earliest: string; latest: string }[];
  configs: Record<string, string>;
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  committed: string;
  latest: string;
  lag: number;
  memberId: string | null;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocol: string;
  members: { memberId: string; clientId: string; clientHost: string; assignment: { topic: string; partitions: number[] }[] }[];
  offsets: GroupPartitionLag[];
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export type CliCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

const COMPRESSION: Record<CliCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export class CliClient {
  private readonly kafka: Kafka;
  private admin: Admin | null = null;

  constructor(opts: CliClientOptions) {
    registerCompressionCodecs();
    installRequestQueueTimerFix();
    this.kafka = new Kafka({
      brokers: opts.brokers,
      clientId: opts.clientId ?? 'bindery-cli',
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 100 },
      sasl: opts.sasl ? { mechanism: 'plain', username: opts.sasl.username, password: opts.sasl.password } : undefined,
    });
  }

  private async adminClient(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  async createTopic(name: string, partitions: number, replicationFactor: number, configs: Record<string, string>): Promise<boolean> {
    const admin = await this.adminClient();
    return admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: name, numPartitions: partitions, replicationFactor, configEntries: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    });
  }

  async listTopics(): Promise<string[]> {
    return (await (await this.adminClient()).listTopics()).sort();
  }

  async deleteTopics(names: string[]): Promise<void> {
    await (await this.adminClient()).deleteTopics({ topics: names });
  }

  async describeTopics(names: string[]): Promise<TopicSummary[]> {
    const admin = await this.adminClient();
    // Asked for a topic it lacks, the broker answers with a partition-level error text.
    const existing = new Set(await admin.listTopics());
    const missing = names.filter((name) => !existing.has(name));
    if (missing.length > 0) throw new TopicNotFoundError(missing);
    const meta = await admin.fetchTopicMetadata({ topics: names });
    const out: TopicSummary[] = [];
    for (const t of meta.topics) {
      const offsets = await admin.fetchTopicOffsets(t.name);
      const configs: Record<string, string> = {};
      try {
        const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: t.name }] });
        for (const e of described.resources[0]?.configEntries ?? []) if (e.configValue !== null) configs[e.configName] = e.configValue;
      } catch {
        // A broker without DescribeConfigs still gets its partitions described.
      }
      out.push({
        name: t.name,
        configs,
        partitions: t.partitions
          .map((p) => {
            const o = offsets.find((x) => x.partition === p.partitionId);
            return { partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, earliest: o?.low ?? '0', latest: o?.high ?? '0' };
          })
          .sort((a, b) => a.partition - b.partition),
      });
    }
    return out;
  }

  async produce(
    topic: string,
    messages: { key: string | null; value: string; headers?: Record<string, string>; partition?: number }[],
    opts: { compression?: CliCompression; acks?: number } = {},
  ): Promise<{ partition: number; baseOffset: string }[]> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    try {
      const meta = await producer.send({
        topic,
        acks: opts.acks ?? -1,
        compression: COMPRESSION[opts.compression ?? 'none'],
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers as IHeaders | undefined, partition: m.partition })),
      });
      return meta.map((m) => ({ partition: m.partition, baseOffset: m.baseOffset ?? '-1' }));
    } finally {
      await producer.disconnect();
    }
  }

  /**
   * Consumes until `maxMessages` arrived or `idleMs` passed without a message. With a group the
   * offsets are committed; without one a throwaway group reads without committing.
   */
  async consume(
    topic: string,
    opts: { groupId?: string; fromBeginning?: boolean; maxMessages?: number; idleMs?: number; onMessage: (m: ConsumedMessage) => void },
  ): Promise<number> {
    const anonymous = !opts.groupId;
    const idleMs = opts.idleMs ?? 5000;
    const consumer = this.kafka.consumer({
      groupId: opts.groupId ?? `bindery-cli-${process.pid}-${Date.now()}`,
      allowAutoTopicCreation: false,
      // Disconnecting waits for the fetch in flight: its long-poll must not outlast the idle timeout.
      maxWaitTimeInMs: Math.min(200, idleMs),
    });
    await consumer.connect();
    let count = 0;
    let lastActivity = Date.now();
    // Joining the group is not idleness: the idle clock starts once partitions are assigned.
    consumer.on(consumer.events.GROUP_JOIN, () => (lastActivity = Date.now()));
    const max = opts.maxMessages ?? Number.POSITIVE_INFINITY;
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: opts.fromBeginning ?? false });
      let finish: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      await consumer.run({
        autoCommit: !anonymous,
        eachMessage: async ({ topic: t, partition, message }) => {
          if (count >= max) return;
          count++;
          lastActivity = Date.now();
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
          opts.onMessage({ topic: t, partition, offset: message.offset, timestamp: message.timestamp, key: message.key, value: message.value, headers });
          if (count >= max) finish();
        },
      });
      const idle = setInterval(() => {
        if (Date.now() - lastActivity >= idleMs) finish();
      }, Math.min(100, idleMs));
      await done;
      clearInterval(idle);
      return count;
    } finally {
      await consumer.disconnect();
    }
  }

  async listGroups(): Promise<{ groupId: string; protocolType: string }[]> {
    const { groups } = await (await this.adminClient()).listGroups();
    return groups.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /** Group state, members and, per committed partition, the lag behind the log end. */
  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const admin = await this.adminClient();
    const { groups } = await admin.describeGroups(groupIds);
    const out: GroupDescription[] = [];
    for (const g of groups) {
      const committed = await admin.fetchOffsets({ groupId: g.groupId });
      const members = g.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, assignment: decodeAssignment(m.memberAssignment) }));
      const offsets: GroupPartitionLag[] = [];
      for (const t of committed) {
        const ends = await admin.fetchTopicOffsets(t.topic);
        for (const p of t.partitions) {
          const latest = ends.find((e) => e.partition === p.partition)?.high ?? '0';
          const owner = members.find((m) => m.assignment.some((a) => a.topic === t.topic && a.partitions.includes(p.partition)));
          const lag = Number(p.offset) < 0 ? Number(latest) : Math.max(0, Number(latest) - Number(p.offset));
          offsets.push({ topic: t.topic, partition: p.partition, committed: p.offset, latest, lag, memberId: owner?.memberId ?? null });
        }
      }
      out.push({ groupId: g.groupId, state: g.state, protocol: g.protocol, members, offsets });
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.admin) await this.admin.disconnect();
    this.admin = null;
  }
}

/**
 * ConsumerProtocolAssignment (classic consumer protocol):
 *   version:int16 [topic:string [partition:int32]] user_data:bytes
 */
function decodeAssignment(buf: Buffer): { topic: string; partitions: number[] }[] {
  const out: { topic: string; partitions: number[] }[] = [];
  if (!buf || buf.length < 6) return out;
  try {
    let o = 2;
    const topics = buf.readInt32BE(o);
    o += 4;
    for (let i = 0; i < topics && i < 10000; i++) {
      const len = buf.readInt16BE(o);
      o += 2;
      const topic = buf.toString('utf8', o, o + len);
      o += len;
      const n = buf.readInt32BE(o);
      o += 4;
      const partitions: number[] = [];
      for (let j = 0; j < n && j < 100000; j++, o += 4) partitions.push(buf.readInt32BE(o));
      out.push({ topic, partitions });
    }
  } catch {
    // An assignment in another protocol's format: shown without partitions.
  }
  return out;
}
