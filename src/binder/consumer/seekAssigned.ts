/**
 * seekTo for every binder's consumer member: checks that the member holds the partition, turns the
 * position into an offset (ListOffsets on the member's cluster) and moves the partition there.
 */
import type { ConsumerSession, SeekPosition } from '../Binder';
import type { AssignedPartitions } from './AssignedPartitions';
import { InvalidSeekOffsetError, PartitionNotAssignedError, SeekTimestampInFutureError } from './errors';

/** Offsets of a partition as the binder's cluster answers ListOffsets. */
export interface PartitionOffsets {
  earliest(topic: string, partition: number): Promise<number>;
  latest(topic: string, partition: number): Promise<number>;
  /** The first offset whose record's timestamp is at or after `timestamp`; null when there is none. */
  forTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null>;
}

export async function offsetOf(topic: string, partition: number, position: SeekPosition, offsets: PartitionOffsets): Promise<number> {
  if (position === 'beginning') return offsets.earliest(topic, partition);
  if (position === 'end') return offsets.latest(topic, partition);
  if ('offset' in position) {
    if (!Number.isSafeInteger(position.offset) || position.offset < 0) throw new InvalidSeekOffsetError(topic, partition, position.offset);
    return position.offset;
  }
  if (position.timestamp > Date.now()) throw new SeekTimestampInFutureError(topic, partition, position.timestamp);
  return (await offsets.forTimestamp(topic, partition, position.timestamp)) ?? offsets.latest(topic, partition);
}

/**
 * Moves `topic`-`partition` to `position` through `moveTo(key, offset)`. Rejects with
 * PartitionNotAssignedError when `assigned` does not hold the partition, before or after the look-up.
 */
export async function seekAssigned(
  assigned: AssignedPartitions,
  offsets: PartitionOffsets,
  topic: string,
  partition: number,
  position: SeekPosition,
  moveTo: (key: string, offset: number) => void,
): Promise<void> {
  if (!assigned.has(topic, partition)) throw new PartitionNotAssignedError(topic, partition);
  const offset = await offsetOf(topic, partition, position, offsets);
  if (!assigned.has(topic, partition)) throw new PartitionNotAssignedError(topic, partition);
  moveTo(assigned.keyOf(topic, partition), offset);
}

/** ConsumerBinding.seekTo: the member that holds the partition now seeks it. */
export function seekInBinding(
  members: ReadonlyArray<{ readonly session: ConsumerSession }>,
  topic: string,
  partition: number,
  position: SeekPosition,
): Promise<void> {
  const member = members.find((m) => m.session.isActive(topic, partition));
  if (!member) return Promise.reject(new PartitionNotAssignedError(topic, partition));
  return member.session.seekTo(topic, partition, position);
}
