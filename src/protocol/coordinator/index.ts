export * from './groupPartition';
export * from './records';
