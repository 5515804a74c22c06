export type {
  AppendOptions,
  AppendResult,
  CleanupPolicy,
  LogConfig,
  LogReadResult,
  PartitionLog,
  TimestampLookup,
} from './types';
export { Log, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type LogOptions } from './Log';
export { LogDirectory, type LogDirectoryOptions } from './LogDirectory';
export { LogSegment } from './LogSegment';
export { OffsetIndex } from './OffsetIndex';
export { TimeIndex } from './TimeIndex';
export { OffsetCheckpointFile, encodeCheckpoint, decodeCheckpoint, type CheckpointEntry } from './OffsetCheckpointFile';
export { DEFAULT_LOG_CONFIG, logConfig } from './config';
export { LogError, CorruptBatchError, CorruptCheckpointError, RecordTooLargeError, InvalidRecordError, OffsetOutOfRangeError, LogClosedError } from './errors';
export { offsetFileName, partitionDirName, parsePartitionDir, RECOVERY_POINT_CHECKPOINT, LOG_START_OFFSET_CHECKPOINT } from './fileNames';
