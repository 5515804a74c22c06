/**
 * Murmur2 (32-bit) exactly as Apache Kafka's Java client computes it (Utils.murmur2, seed
 * 0x9747b28c), and the key → partition rule of its default partitioner:
 * toPositive(murmur2(keyBytes)) % numPartitions, where toPositive clears the sign bit.
 * Keyed records land on the same partition whichever Java-compatible client produced them.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Murmur2 of `data` as a signed 32-bit integer, identical to org.apache.kafka.common.utils.Utils.murmur2. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocksEnd = length & ~3;
  for (let i = 0; i < blocksEnd; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The 1-3 trailing bytes (Java: a switch that falls through from case 3 to case 1).
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= data[blocksEnd + 2] << 16;
    if (tail >= 2) h ^= data[blocksEnd + 1] << 8;
    h ^= data[blocksEnd];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Clears the sign bit, as Kafka's Utils.toPositive does (not Math.abs: that would differ for negatives). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition Kafka's default partitioner picks for a non-null key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  return toPositive(murmur2(key)) % numPartitions;
}
