export { TransactionCoordinator, type TransactionCoordinatorConfig } from './TransactionCoordinator';
export { TransactionStateManager } from './TransactionStateManager';
export { TransactionMetadata } from './TransactionMetadata';
export { TransactionState } from './TransactionState';
export { createTransactionCoordinator, type OpenTxnOffsets } from './brokerTransactions';
export type * from './types';
