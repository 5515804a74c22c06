/**
 * Key/value layouts of the records the group coordinator writes to `__consumer_offsets`. The key's
 * leading int16 says which record it is: 0 and 1 = an offset commit, 2 = group metadata. A null value
 * is a tombstone (offset deleted, group deleted), which log compaction eventually drops.
 *
 * OffsetCommitKey (v0, v1; identical layout):
 *   version: int16, group: string, topic: string, partition: int32
 * OffsetCommitValue (v0-v4; v4 flexible):
 *   version: int16, offset: int64, leaderEpoch: int32 (v3+), metadata: string,
 *   commitTimestamp: int64, expireTimestamp: int64 (v1 only), tagged fields (v4+)
 * GroupMetadataKey (v2):
 *   version: int16, group: string
 * GroupMetadataValue (v0-v4; v4 flexible):
 *   version: int16, protocolType: string, generation: int32, protocol: nullable string,
 *   leader: nullable string, currentStateTimestamp: int64 (v2+),
 *   members: [memberId: string, groupInstanceId: nullable string (v3+), clientId: string,
 *             clientHost: string, rebalanceTimeout: int32 (v1+), sessionTimeout: int32,
 *             subscription: bytes, assignment: bytes, tagged fields (v4+)], tagged fields (v4+)
 */
import { ByteReader, ByteWriter, ProtocolDecodeError } from '../primitives';
import { FlexibleReader, FlexibleWriter } from './flexible';

export interface OffsetCommitKey {
  type: 'offset';
  group: string;
  topic: string;
  partition: number;
}

export interface GroupMetadataKey {
  type: 'group';
  group: string;
}

export type CoordinatorKey = OffsetCommitKey | GroupMetadataKey;

export interface OffsetCommitValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Only version 1 stores it; -1 otherwise. */
  expireTimestamp: number;
}

export interface GroupMemberRecord {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: GroupMemberRecord[];
}

export function encodeOffsetCommitKey(key: Omit<OffsetCommitKey, 'type'>): Buffer {
  return new ByteWriter(64).int16(1).string(key.group).string(key.topic).int32(key.partition).toBufferCopy();
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return new ByteWriter(32).int16(2).string(group).toBufferCopy();
}

export function decodeCoordinatorKey(buf: Buffer): CoordinatorKey {
  const r = new ByteReader(buf);
  const version = r.int16();
  if (version === 0 || version === 1) {
    return { type: 'offset', group: r.string(), topic: r.string(), partition: r.int32() };
  }
  if (version === 2) return { type: 'group', group: r.string() };
  throw new ProtocolDecodeError(`unknown __consumer_offsets key version ${version} (transaction or newer group records?)`);
}

/** Writes version 3 by default (what Kafka 3.x writes); version 1 when an explicit expiry must be kept. */
export function encodeOffsetCommitValue(v: OffsetCommitValue, version?: number): Buffer {
  const ver = version ?? (v.expireTimestamp >= 0 ? 1 : 3);
  if (ver < 0 || ver > 4) throw new RangeError(`OffsetCommitValue version ${ver} is not one of 0..4`);
  if (ver === 4) {
    const w = new FlexibleWriter(64);
    w.int16(4).int64n(v.offset).int32(v.leaderEpoch).compactString(v.metadata).int64n(v.commitTimestamp);
    w.emptyTaggedFields();
    return w.toBufferCopy();
  }
  const w = new ByteWriter(64).int16(ver).int64n(v.offset);
  if (ver >= 3) w.int32(v.leaderEpoch);
  w.string(v.metadata).int64n(v.commitTimestamp);
  if (ver === 1) w.int64n(v.expireTimestamp);
  return w.toBufferCopy();
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const r = new FlexibleReader(buf);
  const version = r.int16();
  if (version < 0) throw new ProtocolDecodeError(`OffsetCommitValue has negative version ${version}`);
  const flexible = version >= 4;
  const offset = r.int64n();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = flexible ? r.compactString() : r.string();
  const commitTimestamp = r.int64n();
  const expireTimestamp = version === 1 ? r.int64n() : -1;
  if (flexible) r.skipTaggedFields();
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

/** Writes version 3 by default (static members need v3+); version 4 is the flexible layout. */
export function encodeGroupMetadataValue(v: GroupMetadataValue, version = 3): Buffer {
  if (version < 0 || version > 4) throw new RangeError(`GroupMetadataValue version ${version} is not one of 0..4`);
  const flexible = version >= 4;
  const w = new FlexibleWriter(128);
  const str = (s: string): void => void (flexible ? w.compactString(s) : w.string(s));
  const nstr = (s: string | null): void => void (flexible ? w.compactNullableString(s) : w.nullableString(s));
  const bytes = (b: Buffer): void => void (flexible ? w.compactBytes(b) : w.bytes(b));
  w.int16(version);
  str(v.protocolType);
  w.int32(v.generation);
  nstr(v.protocol);
  nstr(v.leader);
  if (version >= 2) w.int64n(v.currentStateTimestamp);
  if (flexible) w.uvarint(v.members.length + 1);
  else w.int32(v.members.length);
  for (const m of v.members) {
    str(m.memberId);
    if (version >= 3) nstr(m.groupInstanceId);
    str(m.clientId);
    str(m.clientHost);
    if (version >= 1) w.int32(m.rebalanceTimeout);
    w.int32(m.sessionTimeout);
    bytes(m.subscription);
    bytes(m.assignment);
    if (flexible) w.emptyTaggedFields();
  }
  if (flexible) w.emptyTaggedFields();
  return w.toBufferCopy();
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const r = new FlexibleReader(buf);
  const version = r.int16();
  if (version < 0) throw new ProtocolDecodeError(`GroupMetadataValue has negative version ${version}`);
  const flexible = version >= 4;
  const str = (): string => (flexible ? r.compactString() : r.string());
  const nstr = (): string | null => (flexible ? r.compactNullableString() : r.nullableString());
  const bytes = (): Buffer => Buffer.from(flexible ? r.compactBytes() : r.bytes());
  const protocolType = str();
  const generation = r.int32();
  const protocol = nstr();
  const leader = nstr();
  const currentStateTimestamp = version >= 2 ? r.int64n() : -1;
  const count = flexible ? r.uvarint() - 1 : r.int32();
  const members: GroupMemberRecord[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = str();
    const groupInstanceId = version >= 3 ? nstr() : null;
    const clientId = str();
    const clientHost = str();
    const rebalanceTimeout = version >= 1 ? r.int32() : -1;
    const sessionTimeout = r.int32();
    const subscription = bytes();
    const assignment = bytes();
    if (flexible) r.skipTaggedFields();
    members.push({ memberId, groupInstanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout, subscription, assignment });
  }
  if (flexible) r.skipTaggedFields();
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}
