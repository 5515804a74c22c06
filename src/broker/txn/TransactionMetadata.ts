/**
 * What the coordinator knows of one transactional id (Kafka's TransactionMetadata): its producer
 * id and epoch, the timeout, the state, and the partitions of the open transaction. Every change
 * goes through `transitionTo`, which refuses a move the state machine does not allow.
 */
import { BinderyError } from '../../protocol/primitives';
import { TransactionState, VALID_PREVIOUS_STATES } from './TransactionState';

/** Kafka keeps the last epoch below Short.MAX_VALUE for the fencing bump. */
export const MAX_PRODUCER_EPOCH = 32767;

export class IllegalTransactionStateError extends BinderyError {
  constructor(transactionalId: string, from: TransactionState, to: TransactionState) {
    super('ILLEGAL_TRANSACTION_STATE', `transactional id ${transactionalId} cannot move from ${from.name} to ${to.name}: this is a broker defect, report it`);
  }
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class TransactionMetadata {
  /** Partitions of the open transaction, keyed by tpKey. */
  readonly partitions = new Map<string, TopicPartitionRef>();
  /** The epoch before the last bump a producer asked for itself (KIP-360), so a retried request is answered alike; in memory only, as in Kafka. */
  lastProducerEpoch = -1;
  /** The producer id before the last rotation at an epoch overflow (transactions version 2), so a retried EndTxn of the old id is recognised. */
  prevProducerId = -1;
  /** The producer id a completing transaction hands over to, when its epoch bump overflows (transactions version 2); -1 otherwise. */
  nextProducerId = -1;
  /** The transaction version the producer's last transaction ran with (2: every EndTxn bumps the epoch). */
  clientTransactionVersion = 0;

  constructor(
    readonly transactionalId: string,
    public producerId: number,
    public producerEpoch: number,
    public txnTimeoutMs: number,
    public state: TransactionState,
    /** When the open transaction began (-1 when none). */
    public txnStartTimestamp: number,
    public txnLastUpdateTimestamp: number,
  ) {}

  transitionTo(next: TransactionState, nowMs: number): void {
    if (!VALID_PREVIOUS_STATES.get(next)?.includes(this.state)) throw new IllegalTransactionStateError(this.transactionalId, this.state, next);
    if (next === TransactionState.Ongoing && this.state !== TransactionState.Ongoing) this.txnStartTimestamp = nowMs;
    if (next === TransactionState.CompleteCommit || next === TransactionState.CompleteAbort || next === TransactionState.Empty) {
      this.partitions.clear();
      if (next === TransactionState.Empty) this.txnStartTimestamp = -1;
    }
    this.state = next;
    this.txnLastUpdateTimestamp = nowMs;
  }

  /**
   * Remembers every field a transition may change and returns what puts them back: a change whose
   * write to `__transaction_state` fails is undone, so memory never runs ahead of the log (Kafka
   * keeps such a change apart, in a TxnTransitMetadata, until its append succeeds).
   */
  snapshot(): () => void {
    const { producerId, producerEpoch, lastProducerEpoch, prevProducerId, nextProducerId, clientTransactionVersion, txnTimeoutMs, state, txnStartTimestamp, txnLastUpdateTimestamp } = this;
    const partitions = [...this.partitions.values()];
    return () => {
      Object.assign(this, { producerId, producerEpoch, lastProducerEpoch, prevProducerId, nextProducerId, clientTransactionVersion, txnTimeoutMs, state, txnStartTimestamp, txnLastUpdateTimestamp });
      this.partitions.clear();
      this.addPartitions(partitions);
    };
  }

  addPartitions(parts: readonly TopicPartitionRef[]): void {
    for (const p of parts) this.partitions.set(tpKey(p.topic, p.partition), p);
  }

  hasPartition(topic: string, partition: number): boolean {
    return this.partitions.has(tpKey(topic, partition));
  }

  /** Topic → partitions, as DescribeTransactions and the log record list them. */
  partitionsByTopic(): { topic: string; partitions: number[] }[] {
    const byTopic = new Map<string, number[]>();
    for (const p of this.partitions.values()) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
  }

  get isEpochExhausted(): boolean {
    return this.producerEpoch >= MAX_PRODUCER_EPOCH - 1;
  }
}
