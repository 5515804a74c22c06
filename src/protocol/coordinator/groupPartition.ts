/**
 * Which `__consumer_offsets` partition holds a group's offsets and metadata, and so which broker
 * coordinates it: Kafka's `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`.
 */

export const OFFSETS_TOPIC = '__consumer_offsets';
export const DEFAULT_OFFSETS_TOPIC_PARTITIONS = 50;

/** Java's String.hashCode: s[0]*31^(n-1) + … over UTF-16 code units, wrapping at 32 bits. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0 instead of overflowing. */
function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function coordinatorPartitionFor(groupId: string, partitionCount = DEFAULT_OFFSETS_TOPIC_PARTITIONS): number {
  return kafkaAbs(javaStringHashCode(groupId)) % partitionCount;
}
