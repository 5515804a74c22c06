/**
 * The offsets topic mechanism (this folder): the group coordinator keeps committed offsets
 * (OffsetsStore) and group metadata (GroupStore) as records (src/protocol/coordinator/offsetsTopicRecords.ts)
 * in the partitions of the compacted `__consumer_offsets` topic (LogOffsetsPartitionStore), and
 * reloads them at start-up (loadCoordinatorState).
 *
 * Where the coordinator keeps its records: the partitions of the compacted `__consumer_offsets` topic.
 * The broker supplies an implementation over its partition logs (LogOffsetsPartitionStore); tests and
 * embedded uses without durability can use MemoryOffsetsPartitionStore.
 */

/** One `__consumer_offsets` record: key and value in the layouts of src/protocol/coordinator/offsetsTopicRecords.ts. */
export interface CoordinatorRecord {
  key: Buffer;
  /** null = tombstone. */
  value: Buffer | null;
}

export interface OffsetsPartitionStore {
  /**
   * Appends records to one partition, in order, as one write. Resolves once they are in the log
   * (what the coordinator's acks wait for); throws or rejects when they could not be written.
   */
  append(partition: number, records: CoordinatorRecord[]): void | Promise<void>;
  /** Every record of one partition from its start, in log order (used once, at coordinator start-up). */
  readAll(partition: number): Iterable<CoordinatorRecord> | Promise<Iterable<CoordinatorRecord>>;
}

/** Keeps records in memory: a coordinator restarted over the same instance reloads them. */
export class MemoryOffsetsPartitionStore implements OffsetsPartitionStore {
  private readonly partitions = new Map<number, CoordinatorRecord[]>();

  append(partition: number, records: CoordinatorRecord[]): void {
    const list = this.partitions.get(partition) ?? [];
    for (const r of records) list.push({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value) });
    this.partitions.set(partition, list);
  }

  readAll(partition: number): CoordinatorRecord[] {
    return [...(this.partitions.get(partition) ?? [])];
  }

  /** Number of records appended to a partition so far (tombstones included). */
  size(partition: number): number {
    return this.partitions.get(partition)?.length ?? 0;
  }
}
