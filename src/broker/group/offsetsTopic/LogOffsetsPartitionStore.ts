/**
 * A coordinator's records in the partitions of its compacted topic (the group coordinator's
 * `__consumer_offsets`, the transaction coordinator's `__transaction_state`): each append is one
 * uncompressed batch written by the owner's `appendBatch` (offsets, tail cache and waiting fetches
 * as for any topic), and the coordinator reloads a partition by reading it from its start.
 */
import type { CoordinatorRecord, OffsetsPartitionStore } from './OffsetsPartitionStore';
import { decodeRecordBatches } from '../../../protocol/records/decodeBatch';
import { encodeRecordBatchSync } from '../../../protocol/records/encodeBatch';
import { BrokerRequestError } from '../../BrokerRequestError';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { Partition } from '../../partition/Partition';
import { ControlRecordType } from '../../../protocol/records/controlRecord';

interface AppendOutcome {
  errorCode: number;
  errorMessage: string | null;
}

export interface LogOffsetsPartitionStoreOptions {
  /** The topic whose partitions hold the records (named in errors). */
  topic: string;
  /** The topic's partition with this index. */
  partitionOf: (index: number) => Partition | undefined;
  /** Appends a batch to a partition; synchronous unless the topic re-compresses. */
  appendBatch: (index: number, records: Buffer) => AppendOutcome | Promise<AppendOutcome>;
  /** Told, at the end of a reload, of the records of each transaction still open in the partition. */
  onOpenTransaction?: (producerId: number, records: CoordinatorRecord[]) => void;
}

/** Reads up to this much per step when reloading a partition. */
const READ_CHUNK_BYTES = 1 << 20;

export class LogOffsetsPartitionStore implements OffsetsPartitionStore {
  constructor(private readonly options: LogOffsetsPartitionStoreOptions) {}

  append(partition: number, records: CoordinatorRecord[]): void | Promise<void> {
    if (records.length === 0) return;
    const batch = encodeRecordBatchSync({ records: records.map((r) => ({ key: r.key, value: r.value })) });
    const res = this.options.appendBatch(partition, batch);
    return res instanceof Promise ? res.then((r) => this.check(partition, r)) : this.check(partition, res);
  }

  private check(partition: number, res: AppendOutcome): void {
    if (res.errorCode !== ErrorCode.NONE) {
      throw new BrokerRequestError(res.errorCode, `writing to ${this.options.topic}-${partition} failed: ${res.errorMessage ?? 'unknown error'}`);
    }
  }

  async readAll(index: number): Promise<CoordinatorRecord[]> {
    const partition = this.options.partitionOf(index);
    if (!partition) throw new BrokerRequestError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `${this.options.topic} has no partition ${index}`);
    const out: CoordinatorRecord[] = [];
    // Records of a transaction count once its COMMIT marker follows; aborted or still open ones do not.
    const open = new Map<number, CoordinatorRecord[]>();
    let offset = partition.logStartOffset;
    const end = partition.logEndOffset;
    while (offset < end) {
      const read = partition.log.read(offset, READ_CHUNK_BYTES);
      if (read.records.length === 0 || read.nextOffset <= offset) break;
      for (const batch of await decodeRecordBatches(read.records)) {
        if (batch.isControl) {
          const committed = batch.records[0]?.key?.readInt16BE(2) === ControlRecordType.COMMIT;
          if (committed) out.push(...(open.get(batch.producerId) ?? []));
          open.delete(batch.producerId);
          continue;
        }
        let target = out;
        if (batch.isTransactional) {
          if (!open.has(batch.producerId)) open.set(batch.producerId, []);
          target = open.get(batch.producerId)!;
        }
        for (const r of batch.records) {
          if (r.offset >= offset && r.key) target.push({ key: r.key, value: r.value });
        }
      }
      offset = read.nextOffset;
    }
    for (const [producerId, records] of open) this.options.onOpenTransaction?.(producerId, records);
    return out;
  }
}
