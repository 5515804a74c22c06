/** What the transaction coordinator's operations take and answer (engine side; the wire handlers convert). */
import type { CommittedOffset } from '../group/offsetsTopic/OffsetsStore';
import type { TxnMarker } from '../../protocol/records/controlRecord';

export interface TxnProducer {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

export interface InitTxnProducerRequest {
  transactionalId: string;
  transactionTimeoutMs: number;
  /** -1 unless the producer asks to bump its own epoch (KIP-360). */
  producerId?: number;
  producerEpoch?: number;
}

export interface InitTxnProducerResponse {
  errorCode: number;
  errorMessage: string | null;
  producerId: number;
  producerEpoch: number;
}

export interface EndTxnResult {
  errorCode: number;
  /** With transactions version 2, the producer id and epoch to use next (else -1). */
  producerId: number;
  producerEpoch: number;
}

export interface AddPartitionsResult {
  topic: string;
  partitions: { partition: number; errorCode: number }[];
}

export interface TxnOffsetCommitRequest extends TxnProducer {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[] }[];
}

export interface TxnOffsetCommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export interface ListedTransaction {
  transactionalId: string;
  producerId: number;
  transactionState: string;
}

/** The group coordinator as the transaction coordinator uses it (transactional offset commits). */
export interface TxnGroupOffsets {
  /** The `__consumer_offsets` partition of a group. */
  partitionFor(groupId: string): number;
  /** The error a commit by this member and generation gets (NONE when it may commit). */
  validateCommit(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number;
  /** Largest accepted offset metadata, in bytes. */
  readonly offsetMetadataMaxBytes: number;
  /** Makes committed transactional offsets visible (they are already in the log). */
  applyCommitted(groupId: string, offsets: CommittedOffset[]): void;
}

/** The log side: partitions, markers and the transactional offset records. */
export interface TxnLogAccess {
  partitionExists(topic: string, partition: number): boolean;
  /** Appends a COMMIT or ABORT control batch to a partition, after any append still waiting there; throws when it cannot be written. */
  writeMarker(topic: string, partition: number, marker: TxnMarker): void | Promise<void>;
  /** Appends a transactional batch of offset commit records to a `__consumer_offsets` partition; throws when it cannot be written. */
  writeTxnOffsets(partition: number, producer: TxnProducer, groupId: string, offsets: CommittedOffset[]): void;
  /** A new producer id. */
  allocateProducerId(): number;
}
