/**
 * Builds the transaction coordinator over the broker's own objects: `__transaction_state` through
 * the produce path (made on first use, as Kafka does), markers and transactional offset commits
 * appended to the partitions, the group coordinator for TxnOffsetCommit's member check.
 */
import { decodeCoordinatorKey, decodeOffsetCommitValue, encodeOffsetCommitKey, encodeOffsetCommitValue } from '../../protocol/coordinator';
import type { CoordinatorRecord } from '../group/offsetsTopic/OffsetsPartitionStore';
import { ErrorCode } from '../../protocol/errorCodes';
import { encodeTxnMarkerBatch } from '../../protocol/records/controlRecord';
import { encodeRecordBatchSync } from '../../protocol/records/encodeBatch';
import type { BrokerConfig } from '../config/BrokerConfig';
import { BrokerRequestError, toErrorResult } from '../BrokerRequestError';
import type { GroupCoordinator } from '../group';
import { SystemClock, type CoordinatorClock } from '../group/CoordinatorClock';
import type { Logger } from '../../logging';
import { LogOffsetsPartitionStore } from '../group/offsetsTopic/LogOffsetsPartitionStore';
import type { Partition } from '../partition/Partition';
import type { ProduceHandler } from '../produce/ProduceHandler';
import type { ProducerIdManager } from '../produce/ProducerIdManager';
import type { TopicManager } from '../topics/TopicManager';
import { CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from '../topics/topicName';
import { TransactionCoordinator } from './TransactionCoordinator';
import { transactionLogValueVersion } from './TransactionLog';
import { TransactionStateManager } from './TransactionStateManager';
import type { TxnGroupOffsets, TxnLogAccess } from './types';

export interface BrokerTransactionsDeps {
  topics: TopicManager;
  producer: ProduceHandler;
  producerIds: ProducerIdManager;
  groups: GroupCoordinator;
  config: BrokerConfig;
  clock?: CoordinatorClock;
  logger: Logger;
  /** Offset commit records of transactions still open when `__consumer_offsets` was loaded. */
  openTxnOffsets?: OpenTxnOffsets[];
}

export interface OpenTxnOffsets {
  producerId: number;
  records: CoordinatorRecord[];
}

/**
 * Runs `write` at once, or, while a produce to the partition still waits on re-compression, after
 * it (so a marker follows the batches of its transaction), keeping later appends behind.
 */
function afterPendingAppends<R>(p: Partition, write: () => R): R | Promise<R> {
  if (!p.appendChain) return write();
  const written = p.appendChain.then(write);
  const link = written.then(
    () => undefined,
    () => undefined,
  );
  p.appendChain = link;
  void link.then(() => {
    if (p.appendChain === link) p.appendChain = null;
  });
  return written;
}

export function createTransactionCoordinator(d: BrokerTransactionsDeps): TransactionCoordinator {
  const stateTopic = (): ReturnType<TopicManager['ensureTransactionStateTopic']> => d.topics.ensureTransactionStateTopic();
  const records = new LogOffsetsPartitionStore({
    topic: TRANSACTION_STATE_TOPIC,
    partitionOf: (index) => d.topics.partition(TRANSACTION_STATE_TOPIC, index),
    appendBatch: (index, batch) => {
      stateTopic();
      const p = d.topics.partition(TRANSACTION_STATE_TOPIC, index);
      if (!p) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: `${TRANSACTION_STATE_TOPIC} has no partition ${index}` };
      // Appended as the markers are, not through the produce path: the coordinator reports a failed
      // write itself (a decided transaction's retries once, not at every try).
      return afterPendingAppends(p, () => {
        try {
          p.append(batch);
          return { errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          return toErrorResult(err);
        }
      });
    },
  });
  const partitionCount = d.topics.get(TRANSACTION_STATE_TOPIC)?.partitions.length ?? d.config.transactionStateLogNumPartitions;
  const store = {
    append: records.append.bind(records),
    // Before the first transactional id the topic does not exist: nothing to load.
    readAll: (index: number) => (d.topics.get(TRANSACTION_STATE_TOPIC) ? records.readAll(index) : []),
  };
  const partitionOrThrow = (topic: string, index: number): Partition => {
    const p = d.topics.partition(topic, index);
    if (!p) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${topic} has no partition ${index}`);
    return p;
  };
  const log: TxnLogAccess = {
    partitionExists: (topic, index) => d.topics.partition(topic, index) !== undefined,
    writeMarker(topic, index, marker) {
      const p = d.topics.partition(topic, index);
      // A partition deleted since it joined the transaction has nothing left to mark.
      if (!p) return;
      return afterPendingAppends(p, () => {
        p.append(encodeTxnMarkerBatch(marker));
        p.producers.markerAppended(marker.producerId, marker.producerEpoch);
      });
    },
    writeTxnOffsets(index, producer, groupId, offsets) {
      const batch = encodeRecordBatchSync({
        records: offsets.map((o) => ({
          key: encodeOffsetCommitKey({ group: groupId, topic: o.topic, partition: o.partition }),
          value: encodeOffsetCommitValue(o.value),
        })),
        producerId: producer.producerId,
        producerEpoch: producer.producerEpoch,
        baseSequence: -1,
        isTransactional: true,
      });
      partitionOrThrow(CONSUMER_OFFSETS_TOPIC, index).append(batch);
    },
    allocateProducerId: () => {
      const res = d.producerIds.initProducerId({});
      if (res.errorCode !== ErrorCode.NONE) throw new BrokerRequestError(res.errorCode, res.errorMessage ?? 'no producer id could be reserved');
      return res.producerId;
    },
  };
  const groups: TxnGroupOffsets = {
    partitionFor: (groupId) => d.groups.partitionFor(groupId),
    validateCommit: (groupId, generationId, memberId, instanceId) => d.groups.validateTxnOffsetCommit(groupId, generationId, memberId, instanceId),
    offsetMetadataMaxBytes: d.groups.config.offsetMetadataMaxBytes,
    applyCommitted: (groupId, offsets) => d.groups.applyTxnOffsets(groupId, offsets),
  };
  const coordinator = new TransactionCoordinator(
    new TransactionStateManager(store, partitionCount, transactionLogValueVersion(d.config.transactionVersion)),
    log,
    groups,
    {
      transactionMaxTimeoutMs: d.config.transactionMaxTimeoutMs,
      abortTimedOutTransactionCleanupIntervalMs: d.config.transactionAbortTimedOutTransactionCleanupIntervalMs,
      transactionalIdExpirationMs: d.config.transactionalIdExpirationMs,
      removeExpiredTransactionalIdsIntervalMs: d.config.transactionRemoveExpiredTransactionCleanupIntervalMs,
      transactionVersion: d.config.transactionVersion,
      markerRetryBackoff: { initialMs: d.config.transactionMarkerRetryBackoffMs, maxMs: d.config.transactionMarkerRetryBackoffMaxMs },
    },
    d.clock ?? new SystemClock(),
    d.logger,
  );
  for (const open of d.openTxnOffsets ?? []) {
    for (const r of open.records) {
      const key = decodeCoordinatorKey(r.key);
      if (key.type !== 'offset' || r.value === null) continue;
      coordinator.restorePendingOffsets(open.producerId, key.group, [{ topic: key.topic, partition: key.partition, value: decodeOffsetCommitValue(r.value) }]);
    }
  }
  return coordinator;
}
