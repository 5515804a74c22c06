/**
 * Batch listeners that throw BatchListenerFailedError: which record of the batch failed, and how
 * many times in a row it did (it is retried by delivering the batch again from it).
 */
import type { InboundRecord } from '../../binder/Binder';
import { InboundRecordContext } from './context';
import type { DecodedRecord } from './invoke';

/**
 * The index in `readable` of the record a BatchListenerFailedError names: an index, the payload
 * object the listener was given, or its RecordContext. -1 when it names none of them.
 */
export function batchFailureIndex(indexOrRecord: number | object, readable: DecodedRecord[]): number {
  if (typeof indexOrRecord === 'number') return Number.isInteger(indexOrRecord) && indexOrRecord >= 0 && indexOrRecord < readable.length ? indexOrRecord : -1;
  if (indexOrRecord instanceof InboundRecordContext) {
    const { topic, partition, offset } = indexOrRecord;
    return readable.findIndex((d) => d.record.topic === topic && d.record.partition === partition && d.record.offset === offset);
  }
  return readable.findIndex((d) => d.payload() === indexOrRecord || d.record === indexOrRecord);
}

/** Per partition: the offset that failed last and how many attempts it has had. */
export class BatchFailures {
  private readonly byPartition = new Map<string, { offset: number; attempts: number }>();

  /** Attempts already made on `record` (0 unless it is the one that failed last on its partition). */
  attemptsOf(record: Pick<InboundRecord, 'topic' | 'partition' | 'offset'>): number {
    const found = this.byPartition.get(`${record.topic}\u0000${record.partition}`);
    return found?.offset === record.offset ? found.attempts : 0;
  }

  /** `record` failed once more; returns its attempts so far. */
  failed(record: InboundRecord): number {
    const attempts = this.attemptsOf(record) + 1;
    this.byPartition.set(`${record.topic}\u0000${record.partition}`, { offset: record.offset, attempts });
    return attempts;
  }

  settled(record: InboundRecord): void {
    this.byPartition.delete(`${record.topic}\u0000${record.partition}`);
  }
}
