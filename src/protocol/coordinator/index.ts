export * from './groupPartition';
export * from './offsetsTopicRecords';
