/**
 * Produce: per partition, checks the batches, answers retried idempotent batches with their
 * original offsets, re-compresses when the topic demands another codec, appends (offsets are
 * assigned atomically: the check-append-record section runs synchronously), records producer
 * state and wakes waiting fetches through the partition's listeners.
 */
import { ErrorCode, errorName } from '../../protocol/errorCodes';
import type { Logger } from '../../logging';
import type { BatchHeaderView } from '../../protocol/records/batchHeader';
import type { CompressionType } from '../../protocol/records/types';
import { TimestampType } from '../../protocol/records/types';
import { batchProblem } from '../log/batchValidation';
import { BrokerRequestError, toErrorResult } from '../BrokerRequestError';
import type { Partition } from '../partition/Partition';
import type { Topic } from '../topics/Topic';
import type { TopicManager } from '../topics/TopicManager';
import { isInternalTopic } from '../topics/topicName';
import { batchViews, checkBatches } from './batchChecks';
import { ImplicitTxnPartitions, partitionKey, type RefusedPartition, type TransactionVerifier } from './ImplicitTxnPartitions';
import { lastSequence, type BatchMetadata } from './ProducerStateManager';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from './types';

export type { TransactionVerifier } from './ImplicitTxnPartitions';

/** Re-encodes stored batches with another codec, keeping every header field. */
export type Recompressor = (records: Buffer, codec: CompressionType, level?: number) => Promise<Buffer>;

export class ProduceHandler {
  /** Set once the transaction coordinator runs; until then transactional batches are refused. */
  transactions: TransactionVerifier | null = null;
  private readonly implicitPartitions = new ImplicitTxnPartitions();

  constructor(
    private readonly topics: TopicManager,
    private readonly recompress: Recompressor | null,
    private readonly logger: Logger,
  ) {}

  async produce(req: ProduceRequest): Promise<ProduceResponse> {
    const acksError = req.acks === 0 || req.acks === 1 || req.acks === -1 ? null : `acks must be 0, 1 or -1, got ${req.acks}`;
    const txnError =
      req.transactionalId && !this.transactions ? 'transactions are not supported by the native broker: use an idempotent producer without transactional.id' : null;
    const dispatch = (refused: ReadonlyMap<string, RefusedPartition> | null) => {
      let waits = false;
      const pending = req.topics.map((t) => ({
        name: t.name,
        partitionResponses: t.partitions.map((p) => {
          if (acksError) return this.logged(t.name, failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, acksError));
          if (txnError) return this.logged(t.name, failed(p.index, ErrorCode.INVALID_TXN_STATE, txnError));
          const notAdded = refused?.get(partitionKey(t.name, p.index));
          if (notAdded) return this.logged(t.name, failed(p.index, notAdded.code, notAdded.message));
          const r = this.producePartition(t.name, p.index, p.records, false, req.acks, req.transactionalId ?? null);
          if (r instanceof Promise) waits = true;
          return r;
        }),
      }));
      return { pending, waits };
    };
    const { pending, waits } =
      !acksError && !txnError && req.addPartitionsToTxn && req.transactionalId && this.transactions
        ? await this.implicitPartitions.addThen(this.transactions, req, req.transactionalId, dispatch)
        : dispatch(null);
    // Most produces complete synchronously; only re-compression makes a partition wait.
    const responses = waits
      ? await Promise.all(pending.map(async (t) => ({ name: t.name, partitionResponses: await Promise.all(t.partitionResponses) })))
      : (pending as ProduceResponse['responses']);
    return { responses, throttleTimeMs: 0 };
  }

  /** Appends to one partition; never throws. `internal` allows writing to __consumer_offsets. */
  producePartition(
    topicName: string,
    index: number,
    records: Buffer | null,
    internal = false,
    acks = 1,
    transactionalId: string | null = null,
  ): Promise<ProducePartitionResponse> | ProducePartitionResponse {
    let topic: Topic;
    let partition: Partition;
    let views: BatchHeaderView[];
    try {
      if (isInternalTopic(topicName) && !internal) {
        throw new BrokerRequestError(ErrorCode.INVALID_TOPIC_EXCEPTION, `${topicName} is an internal topic: clients cannot produce to it`);
      }
      topic = this.topics.getOrAutoCreate(topicName);
      const found = topic.partitions[index];
      if (!found) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${topicName} has no partition ${index} (it has ${topic.partitions.length})`);
      partition = found;
      if (acks === -1 && topic.config.minInsyncReplicas > 1) {
        // One node is the only in-sync replica, as Kafka would answer with a single live replica.
        throw new BrokerRequestError(
          ErrorCode.NOT_ENOUGH_REPLICAS,
          `Topic ${topicName} needs ${topic.config.minInsyncReplicas} in-sync replicas for acks=-1 (min.insync.replicas) but this single-node broker has 1: lower min.insync.replicas or use acks=1`,
        );
      }
      if (!records || records.length === 0) throw new BrokerRequestError(ErrorCode.INVALID_RECORD, 'Produce request carries no record batches');
      if (records.length > topic.config.segmentBytes) {
        throw new BrokerRequestError(ErrorCode.RECORD_LIST_TOO_LARGE, `Record set of ${records.length} bytes is larger than segment.bytes of topic ${topicName}`);
      }
      views = batchViews(records);
      checkBatches(views, topic.config, Date.now());
      this.verifyTransactional(views, topicName, index, transactionalId);
    } catch (err) {
      return this.logged(topicName, failedFrom(index, err));
    }
    const target = topic.config.targetCompression;
    const needsRecompress = target !== null && this.recompress !== null && views.some((v) => v.compression !== target);
    if (!needsRecompress && !partition.appendChain) return this.appendNow(topic, partition, records, views);
    // Later appends to this partition wait behind this one so offsets follow arrival order.
    const run = async (): Promise<ProducePartitionResponse> => {
      try {
        const input = needsRecompress && this.recompress ? await this.recompress(records, target, topic.config.targetCompressionLevel) : records;
        return this.appendNow(topic, partition, input, input === records ? views : batchViews(input));
      } catch (err) {
        return this.logged(topicName, failedFrom(index, err));
      }
    };
    const result = (partition.appendChain ?? Promise.resolve()).then(run);
    const link = result.then(() => undefined);
    partition.appendChain = link;
    void link.then(() => {
      if (partition.appendChain === link) partition.appendChain = null;
    });
    return result;
  }

  /** Transactional batches need a transactional id whose open transaction holds this partition. */
  private verifyTransactional(views: BatchHeaderView[], topic: string, partition: number, transactionalId: string | null): void {
    for (const [i, v] of views.entries()) {
      if (!v.isTransactional) continue;
      if (!transactionalId || !this.transactions) {
        throw new BrokerRequestError(
          ErrorCode.INVALID_TXN_STATE,
          this.transactions
            ? `batch ${i} is transactional but the produce request names no transactional id`
            : `batch ${i} is transactional: the native broker does not support transactions, use an idempotent producer`,
        );
      }
      const code = this.transactions.verify({ transactionalId, producerId: v.producerId, producerEpoch: v.producerEpoch }, topic, partition);
      if (code !== ErrorCode.NONE) {
        throw new BrokerRequestError(
          code,
          `producer ${v.producerId} epoch ${v.producerEpoch} of transactional id ${transactionalId} may not write to ${topic}-${partition}: ${errorName(code)} (add the partition to the transaction first; a fenced producer must close)`,
        );
      }
    }
  }

  /** The synchronous section: idempotence check, append, producer-state update. */
  private appendNow(topic: Topic, partition: Partition, records: Buffer, views: BatchHeaderView[]): ProducePartitionResponse {
    try {
      const pending: BatchMetadata[] = [];
      let duplicates = 0;
      let firstDuplicate: BatchMetadata | null = null;
      for (const v of views) {
        if (v.producerId < 0) continue;
        const check = partition.producers.check(incoming(v), pending);
        if (check.kind === 'duplicate') {
          // A retried batch answered from state must be the one the producer sent, not a corrupted copy.
          const problem = batchProblem(v.buf, v.at, v.at + v.sizeInBytes);
          if (problem) throw new BrokerRequestError(ErrorCode.CORRUPT_MESSAGE, `batch is corrupt: ${problem}`);
          duplicates++;
          firstDuplicate ??= check.original;
        } else {
          pending.push({ firstSeq: v.baseSequence, lastSeq: lastSequence(v.baseSequence, v.lastOffsetDelta), firstOffset: -1, lastOffset: -1, maxTimestamp: -1 });
        }
      }
      if (duplicates > 0) {
        if (duplicates !== views.length) throw new BrokerRequestError(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, 'A produce request mixed already-appended batches with new ones: send them separately');
        return ok(partition, firstDuplicate!.firstOffset, -1);
      }
      const logAppendTime = topic.config.timestampType === TimestampType.LogAppendTime;
      const result = partition.append(records, logAppendTime ? { logAppendTimeMs: Date.now() } : undefined);
      for (const v of views) {
        if (v.producerId < 0) continue;
        partition.producers.update(v.producerId, v.producerEpoch, {
          firstSeq: v.baseSequence,
          lastSeq: lastSequence(v.baseSequence, v.lastOffsetDelta),
          firstOffset: v.baseOffset,
          lastOffset: v.lastOffset,
          maxTimestamp: v.maxTimestamp,
        });
      }
      return ok(partition, result.firstOffset, logAppendTime ? result.logAppendTime : -1);
    } catch (err) {
      return this.logged(topic.name, failedFrom(partition.index, err));
    }
  }

  /** Every refused produce is reported: which partition, what the client was told, and why. */
  private logged(topic: string, response: ProducePartitionResponse): ProducePartitionResponse {
    this.logger.warn(`produce to topic ${topic} partition ${response.index} failed with ${errorName(response.errorCode)}: ${response.errorMessage ?? ''}`);
    return response;
  }
}

function incoming(v: BatchHeaderView): { producerId: number; epoch: number; firstSeq: number; lastSeq: number } {
  return { producerId: v.producerId, epoch: v.producerEpoch, firstSeq: v.baseSequence, lastSeq: lastSequence(v.baseSequence, v.lastOffsetDelta) };
}

function ok(partition: Partition, baseOffset: number, logAppendTime: number): ProducePartitionResponse {
  return { index: partition.index, errorCode: ErrorCode.NONE, baseOffset, logAppendTime, logStartOffset: partition.logStartOffset, recordErrors: [], errorMessage: null };
}

function failed(index: number, errorCode: number, errorMessage: string, batchIndex?: number): ProducePartitionResponse {
  return {
    index,
    errorCode,
    baseOffset: -1,
    logAppendTime: -1,
    logStartOffset: -1,
    recordErrors: batchIndex === undefined ? [] : [{ batchIndex, batchIndexErrorMessage: errorMessage }],
    errorMessage,
  };
}

function failedFrom(index: number, err: unknown): ProducePartitionResponse {
  const { errorCode, errorMessage } = toErrorResult(err);
  return failed(index, errorCode, errorMessage, err instanceof BrokerRequestError ? err.batchIndex : undefined);
}
