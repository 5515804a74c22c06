/**
 * Produce v12+ of a transactions-version-2 producer (KIP-890): the partitions its transactional
 * batches go to join its transaction before anything is appended, as Kafka's partition leader asks
 * the coordinator with AddPartitionsToTxn. A producer pipelines its produce requests, so the
 * requests of one transactional id pass here one after the other: each is appended (or queued on
 * its partitions) before the next one's partitions are added, keeping the batches in sequence order.
 */
import { ErrorCode, errorName } from '../../protocol/errorCodes';
import { batchViews } from './batchChecks';
import type { ProduceRequest } from './types';

export interface TransactionalProducerRef {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

/** The transaction coordinator as the produce path asks it (KIP-890's verification). */
export interface TransactionVerifier {
  /**
   * Whether a transactional batch of this producer may go to this partition (it was added to the
   * producer's open transaction): NONE, or the error code the produce gets.
   */
  verify(producer: TransactionalProducerRef, topic: string, partition: number): number;
  /** Transactions version 2: adds the partitions to the producer's transaction (opening one); NONE or the error code. */
  addImplicitly(producer: TransactionalProducerRef, partitions: { topic: string; partition: number }[]): Promise<number>;
}

export interface RefusedPartition {
  code: number;
  message: string;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class ImplicitTxnPartitions {
  /** Transactional id → the request of it being added and dispatched. */
  private readonly inProgress = new Map<string, Promise<void>>();

  /** Adds the request's partitions, then runs `dispatch` (which must start every append synchronously) with the partitions refused. */
  async addThen<T>(txns: TransactionVerifier, req: ProduceRequest, transactionalId: string, dispatch: (refused: ReadonlyMap<string, RefusedPartition>) => T): Promise<T> {
    const previous = this.inProgress.get(transactionalId);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.inProgress.set(transactionalId, mine);
    try {
      if (previous) await previous;
      return dispatch(await this.add(txns, req, transactionalId));
    } finally {
      release();
      if (this.inProgress.get(transactionalId) === mine) this.inProgress.delete(transactionalId);
    }
  }

  private async add(txns: TransactionVerifier, req: ProduceRequest, transactionalId: string): Promise<Map<string, RefusedPartition>> {
    const refused = new Map<string, RefusedPartition>();
    const byProducer = new Map<string, { producer: TransactionalProducerRef; partitions: { topic: string; partition: number }[] }>();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const first = p.records ? firstTransactionalBatch(p.records) : null;
        if (!first) continue;
        const producer = { transactionalId, ...first };
        if (txns.verify(producer, t.name, p.index) !== ErrorCode.INVALID_TXN_STATE) continue;
        const key = `${first.producerId}/${first.producerEpoch}`;
        const entry = byProducer.get(key) ?? { producer, partitions: [] };
        entry.partitions.push({ topic: t.name, partition: p.index });
        byProducer.set(key, entry);
      }
    }
    for (const { producer, partitions } of byProducer.values()) {
      const code = await txns.addImplicitly(producer, partitions);
      if (code === ErrorCode.NONE) continue;
      // As Kafka's produce path answers them: a fenced producer's epoch is invalid; a transaction still completing is retried.
      const answered = code === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : code === ErrorCode.CONCURRENT_TRANSACTIONS ? ErrorCode.NOT_ENOUGH_REPLICAS : code;
      for (const x of partitions) {
        refused.set(partitionKey(x.topic, x.partition), {
          code: answered,
          message: `producer ${producer.producerId} epoch ${producer.producerEpoch} of transactional id ${transactionalId} could not add ${x.topic}-${x.partition} to its transaction: ${errorName(code)}`,
        });
      }
    }
    return refused;
  }
}

/** The producer of the first transactional batch of a record set, or null (malformed sets are refused later, by checkBatches). */
function firstTransactionalBatch(records: Buffer): { producerId: number; producerEpoch: number } | null {
  try {
    const v = batchViews(records).find((b) => b.isTransactional);
    return v ? { producerId: v.producerId, producerEpoch: v.producerEpoch } : null;
  } catch {
    return null;
  }
}
