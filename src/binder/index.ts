export * from './Binder';
export * from './registry';
export * from './transactionErrors';
