/** DescribeTransactions and ListTransactions over the coordinator's state (Kafka's TransactionCoordinator / TransactionStateManager). */
import { ErrorCode } from '../../protocol/errorCodes';
import { TransactionState, transactionStateByName } from './TransactionState';
import type { TransactionStateManager } from './TransactionStateManager';
import type { DescribedTransaction, ListedTransaction } from './types';

export function describeTransactions(states: TransactionStateManager, transactionalIds: string[]): DescribedTransaction[] {
  return transactionalIds.map((transactionalId) => {
    const m = states.get(transactionalId);
    if (!m) {
      return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
    }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: m.state.name,
      transactionTimeoutMs: m.txnTimeoutMs,
      transactionStartTimeMs: m.txnStartTimestamp,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      topics: m.partitionsByTopic(),
    };
  });
}

/** Transactions matching the filters (empty filters match all); `durationMs` ≥ 0 keeps those open at least that long. */
export function listTransactions(
  states: TransactionStateManager,
  stateFilters: string[],
  producerIdFilters: number[],
  durationMs: number,
  nowMs: number,
): { unknownStateFilters: string[]; transactions: ListedTransaction[] } {
  const unknownStateFilters = stateFilters.filter((s) => !transactionStateByName(s));
  const wanted = new Set(stateFilters);
  const pids = new Set(producerIdFilters);
  const transactions = states
    .all()
    .filter((m) => (wanted.size === 0 || wanted.has(m.state.name)) && (pids.size === 0 || pids.has(m.producerId)))
    .filter((m) => durationMs < 0 || (m.state === TransactionState.Ongoing && nowMs - m.txnStartTimestamp >= durationMs))
    .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state.name }));
  return { unknownStateFilters, transactions };
}
