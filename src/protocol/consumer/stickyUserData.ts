/**
 * The userData Kafka's StickyAssignor puts in a subscription so the next leader knows who owned what
 * (needed by clients whose subscriptions carry no ownedPartitions). No version prefix; v1 appends the
 * generation:
 *   previousAssignment: [{topic: string, partitions: [int32]}]
 *   generation: int32   (v1; absent in v0 → -1)
 */
import { ByteReader, ByteWriter } from '../primitives';
import type { TopicPartitions } from './ConsumerProtocol';

export interface StickyUserData {
  partitions: TopicPartitions[];
  generation: number;
}

export function encodeStickyUserData(data: StickyUserData): Buffer {
  const w = new ByteWriter(64);
  w.int32(data.partitions.length);
  for (const tp of data.partitions) {
    w.string(tp.topic);
    w.int32(tp.partitions.length);
    for (const p of tp.partitions) w.int32(p);
  }
  w.int32(data.generation);
  return w.toBufferCopy();
}

/** Returns null when the bytes are not in this layout (another assignor's userData). */
export function decodeStickyUserData(buf: Buffer): StickyUserData | null {
  try {
    const r = new ByteReader(buf);
    const n = r.int32();
    if (n < 0) return null;
    const partitions: TopicPartitions[] = [];
    for (let i = 0; i < n; i++) {
      const topic = r.string();
      const count = r.int32();
      if (count < 0) return null;
      const list: number[] = [];
      for (let j = 0; j < count; j++) list.push(r.int32());
      partitions.push({ topic, partitions: list });
    }
    const generation = r.remaining >= 4 ? r.int32() : -1;
    return { partitions, generation };
  } catch {
    return null;
  }
}
