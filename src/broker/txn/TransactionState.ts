/**
 * The states of a transactional id in the transaction coordinator (Kafka's TransactionState):
 * the id written to `__transaction_state`, the name DescribeTransactions and ListTransactions
 * report, and the states each may be entered from.
 */
export interface TransactionState {
  readonly id: number;
  readonly name: string;
}

export const TransactionState = {
  /** No transaction open; AddPartitions/AddOffsets start one. */
  Empty: { id: 0, name: 'Empty' },
  /** Partitions or offsets were added; EndTxn prepares its end. */
  Ongoing: { id: 1, name: 'Ongoing' },
  /** The commit is decided; markers are being written. */
  PrepareCommit: { id: 2, name: 'PrepareCommit' },
  /** The abort is decided; markers are being written. */
  PrepareAbort: { id: 3, name: 'PrepareAbort' },
  CompleteCommit: { id: 4, name: 'CompleteCommit' },
  CompleteAbort: { id: 5, name: 'CompleteAbort' },
  Dead: { id: 6, name: 'Dead' },
  /** The epoch is being bumped to fence an older producer (the open transaction then aborts). */
  PrepareEpochFence: { id: 7, name: 'PrepareEpochFence' },
} as const satisfies Record<string, TransactionState>;

export type TransactionStateName = keyof typeof TransactionState;

const S = TransactionState;

/** From which states each state may be entered (Kafka's validPreviousStates). */
export const VALID_PREVIOUS_STATES: ReadonlyMap<TransactionState, readonly TransactionState[]> = new Map<TransactionState, TransactionState[]>([
  [S.Empty, [S.Empty, S.CompleteCommit, S.CompleteAbort]],
  [S.Ongoing, [S.Ongoing, S.Empty, S.CompleteCommit, S.CompleteAbort]],
  [S.PrepareCommit, [S.Ongoing]],
  // Transactions version 2 may abort with no transaction open (a producer's abort after an error).
  [S.PrepareAbort, [S.Ongoing, S.PrepareEpochFence, S.Empty, S.CompleteCommit, S.CompleteAbort]],
  [S.CompleteCommit, [S.PrepareCommit]],
  [S.CompleteAbort, [S.PrepareAbort]],
  [S.Dead, [S.Empty, S.CompleteAbort, S.CompleteCommit]],
  [S.PrepareEpochFence, [S.Ongoing]],
]);

export const ALL_TRANSACTION_STATES: readonly TransactionState[] = Object.values(TransactionState);

export function transactionStateById(id: number): TransactionState | undefined {
  return ALL_TRANSACTION_STATES.find((s) => s.id === id);
}

export function transactionStateByName(name: string): TransactionState | undefined {
  return ALL_TRANSACTION_STATES.find((s) => s.name === name);
}
