/**
 * The consumer protocol: the bytes a consumer puts in JoinGroup's protocol metadata (its subscription)
 * and the bytes the leader hands out through SyncGroup (each member's assignment). The broker treats
 * both as opaque; every Kafka client library agrees on this layout so groups can mix clients.
 *
 * Subscription (versions 0-3, never flexible):
 *   version: int16
 *   topics: [string]                         int32 count
 *   userData: nullable bytes
 *   ownedPartitions: [{topic: string, partitions: [int32]}]   v1+
 *   generationId: int32                       v2+ (default -1)
 *   rackId: nullable string                   v3+
 *
 * Assignment (versions 0-3, never flexible):
 *   version: int16
 *   assignedPartitions: [{topic: string, partitions: [int32]}]
 *   userData: nullable bytes
 *
 * Decoding is lenient towards writers that stamp a version but stop early (kafkajs writes version 1
 * without ownedPartitions): a missing trailing field takes its default. A version above 3 is read as 3,
 * ignoring the newer trailing fields, as Kafka's own clients do.
 */
import { ByteReader, ByteWriter, ProtocolDecodeError } from '../primitives';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ConsumerSubscription {
  topics: string[];
  userData?: Buffer | null;
  ownedPartitions?: TopicPartitions[];
  generationId?: number;
  rackId?: string | null;
}

export interface ConsumerAssignment {
  assignedPartitions: TopicPartitions[];
  userData?: Buffer | null;
}

export const CONSUMER_PROTOCOL_TYPE = 'consumer';
export const CONSUMER_PROTOCOL_MAX_VERSION = 3;

function writeTopicPartitions(w: ByteWriter, list: TopicPartitions[]): void {
  w.int32(list.length);
  for (const tp of list) {
    w.string(tp.topic);
    w.int32(tp.partitions.length);
    for (const p of tp.partitions) w.int32(p);
  }
}

function readTopicPartitions(r: ByteReader): TopicPartitions[] {
  const n = r.int32();
  if (n < 0) return [];
  const out: TopicPartitions[] = [];
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const count = r.int32();
    const partitions: number[] = [];
    for (let j = 0; j < count; j++) partitions.push(r.int32());
    out.push({ topic, partitions });
  }
  return out;
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > CONSUMER_PROTOCOL_MAX_VERSION) {
    throw new RangeError(`consumer protocol version ${version} is not one of 0..${CONSUMER_PROTOCOL_MAX_VERSION}`);
  }
}

export function encodeSubscription(sub: ConsumerSubscription, version = CONSUMER_PROTOCOL_MAX_VERSION): Buffer {
  checkVersion(version);
  const w = new ByteWriter(64);
  w.int16(version);
  w.int32(sub.topics.length);
  for (const t of sub.topics) w.string(t);
  w.nullableBytes(sub.userData ?? null);
  if (version >= 1) writeTopicPartitions(w, sub.ownedPartitions ?? []);
  if (version >= 2) w.int32(sub.generationId ?? -1);
  if (version >= 3) w.nullableString(sub.rackId ?? null);
  return w.toBufferCopy();
}

export interface DecodedSubscription extends ConsumerSubscription {
  version: number;
  userData: Buffer | null;
  ownedPartitions: TopicPartitions[];
  generationId: number;
  rackId: string | null;
}

export function decodeSubscription(buf: Buffer): DecodedSubscription {
  const r = new ByteReader(buf);
  const version = r.int16();
  if (version < 0) throw new ProtocolDecodeError(`consumer subscription has negative version ${version}`);
  const topics: string[] = [];
  const n = r.int32();
  for (let i = 0; i < n; i++) topics.push(r.string());
  const userData = r.remaining > 0 ? r.nullableBytes() : null;
  const ownedPartitions = version >= 1 && r.remaining > 0 ? readTopicPartitions(r) : [];
  const generationId = version >= 2 && r.remaining > 0 ? r.int32() : -1;
  const rackId = version >= 3 && r.remaining > 0 ? r.nullableString() : null;
  return { version, topics, userData: userData === null ? null : Buffer.from(userData), ownedPartitions, generationId, rackId };
}

export function encodeAssignment(assignment: ConsumerAssignment, version = CONSUMER_PROTOCOL_MAX_VERSION): Buffer {
  checkVersion(version);
  const w = new ByteWriter(64);
  w.int16(version);
  writeTopicPartitions(w, assignment.assignedPartitions);
  w.nullableBytes(assignment.userData ?? null);
  return w.toBufferCopy();
}

export interface DecodedAssignment extends ConsumerAssignment {
  version: number;
  userData: Buffer | null;
}

/** An empty buffer decodes to an empty assignment (what a coordinator gives a member the leader left out). */
export function decodeAssignment(buf: Buffer): DecodedAssignment {
  if (buf.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  const r = new ByteReader(buf);
  const version = r.int16();
  if (version < 0) throw new ProtocolDecodeError(`consumer assignment has negative version ${version}`);
  const assignedPartitions = readTopicPartitions(r);
  const userData = r.remaining > 0 ? r.nullableBytes() : null;
  return { version, assignedPartitions, userData: userData === null ? null : Buffer.from(userData) };
}

/** Converts between the wire list form and the Map form the assignors return. */
export function toTopicPartitions(assignment: Map<string, number[]>): TopicPartitions[] {
  return [...assignment.entries()]
    .filter(([, partitions]) => partitions.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((x, y) => x - y) }));
}

export function fromTopicPartitions(list: TopicPartitions[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { topic, partitions } of list) out.set(topic, [...(out.get(topic) ?? []), ...partitions]);
  return out;
}
