/** ListOffsets (earliest, latest, max timestamp, by timestamp) and DeleteRecords. */
import { ErrorCode } from '../../protocol/errorCodes';
import { decodeRecordBatch } from '../../protocol/records';
import { BrokerRequestError, toErrorResult } from '../BrokerRequestError';
import type { Partition } from '../partition/Partition';
import type { TopicManager } from '../topics/TopicManager';
import { READ_COMMITTED } from './readCommitted';
import { OffsetSpec, type DeleteRecordsRequest, type DeleteRecordsResponse, type ListOffsetsPartitionResponse, type ListOffsetsRequest, type ListOffsetsResponse } from './types';

export class LogOffsetsHandler {
  constructor(private readonly topics: TopicManager) {}

  private partition(topic: string, index: number): Partition {
    const t = this.topics.get(topic);
    const p = t?.partitions[index];
    if (!p) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, t ? `Topic ${topic} has no partition ${index}` : `Topic ${topic} does not exist`);
    return p;
  }

  async listOffsets(req: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    return {
      throttleTimeMs: 0,
      topics: await Promise.all(
        req.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map(async (p): Promise<ListOffsetsPartitionResponse> => {
              const base = { partitionIndex: p.partitionIndex, leaderEpoch: 0 };
              try {
                const partition = this.partition(t.name, p.partitionIndex);
                const { offset, timestamp } = p.timestamp === OffsetSpec.MAX_TIMESTAMP ? await this.maxTimestamp(partition) : this.lookup(partition, p.timestamp, req.isolationLevel === READ_COMMITTED);
                return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, offset, timestamp, ...(offset === -1 ? { leaderEpoch: -1 } : {}) };
              } catch (err) {
                const { errorCode, errorMessage } = toErrorResult(err);
                return { ...base, errorCode, errorMessage, offset: -1, timestamp: -1 };
              }
            }),
          ),
        })),
      ),
    };
  }

  /**
   * The first offset carrying the largest timestamp (Kafka's offsetOfMaxTimestamp): the first
   * batch with that maximum is found from its header, the record within it by decoding the batch.
   */
  private async maxTimestamp(p: Partition): Promise<{ offset: number; timestamp: number }> {
    const max = p.maxTimestampInLog();
    if (!max) return { offset: -1, timestamp: -1 };
    const { records } = p.log.read(max.offset, 1);
    if (records.length === 0) return max;
    const batch = await decodeRecordBatch(records);
    const first = batch.records.find((r) => r.timestamp === max.timestamp);
    return { offset: first?.offset ?? max.offset, timestamp: max.timestamp };
  }

  /** read_committed sees the log up to the last stable offset only (Kafka's fetchOffsetForTimestamp). */
  private lookup(p: Partition, timestamp: number, readCommitted: boolean): { offset: number; timestamp: number } {
    switch (timestamp) {
      case OffsetSpec.LATEST:
        return { offset: readCommitted ? p.lastStableOffset : p.highWatermark, timestamp: -1 };
      case OffsetSpec.LATEST_TIERED:
        // Kafka answers -1 when the topic has no tiered storage (remote.storage.enable is refused here).
        return { offset: -1, timestamp: -1 };
      case OffsetSpec.EARLIEST:
      case OffsetSpec.EARLIEST_LOCAL:
        return { offset: p.logStartOffset, timestamp: -1 };
    }
    if (timestamp < 0) throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unknown ListOffsets timestamp ${timestamp}: use -1 latest, -2 earliest, -3 max timestamp or a time in ms`);
    const found = p.log.offsetForTimestamp(timestamp);
    if (!found || (readCommitted && found.offset >= p.lastStableOffset)) return { offset: -1, timestamp: -1 };
    return { offset: Math.max(found.offset, p.logStartOffset), timestamp: found.timestamp };
  }

  deleteRecords(req: DeleteRecordsRequest): DeleteRecordsResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          try {
            const partition = this.partition(t.name, p.partitionIndex);
            const offset = p.offset === -1 ? partition.highWatermark : p.offset;
            if (offset < 0 || offset > partition.highWatermark) {
              throw new BrokerRequestError(ErrorCode.OFFSET_OUT_OF_RANGE, `Cannot delete records before offset ${p.offset}: the partition holds [${partition.logStartOffset}, ${partition.highWatermark})`);
            }
            if (offset > partition.logStartOffset) {
              partition.log.deleteRecordsBefore(offset);
              partition.logBoundsChanged();
            }
            return { partitionIndex: p.partitionIndex, lowWatermark: partition.logStartOffset, errorCode: ErrorCode.NONE, errorMessage: null };
          } catch (err) {
            const { errorCode, errorMessage } = toErrorResult(err);
            return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode, errorMessage };
          }
        }),
      })),
    };
  }
}
