/** Typed errors of the consumer side every binder shares; each message names the partition and what to do. */
import { BinderyError } from '../../protocol/primitives/errors';

/** A seek or pause of a partition that the consumer member (or binding) does not hold now. */
export class PartitionNotAssignedError extends BinderyError {
  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    super(
      'PARTITION_NOT_ASSIGNED',
      `Partition ${topic}-${partition} is not assigned to this consumer: seek or pause only partitions it was given (onPartitionsAssigned lists them; another member of the group may hold this one).`,
    );
  }
}

/** A seek to a timestamp later than now: there can be no record at or after it yet. */
export class SeekTimestampInFutureError extends BinderyError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly timestamp: number,
  ) {
    super(
      'SEEK_TIMESTAMP_IN_FUTURE',
      `Cannot seek ${topic}-${partition} to timestamp ${timestamp} (${new Date(timestamp).toISOString()}): it is in the future. Seek to 'end' to read only new records.`,
    );
  }
}

/** A seek to an offset that is not a whole number at least 0. */
export class InvalidSeekOffsetError extends BinderyError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
  ) {
    super('INVALID_SEEK_OFFSET', `Cannot seek ${topic}-${partition} to offset ${offset}: an offset is a whole number, 0 or more.`);
  }
}

/** An explicitly assigned partition (topicPartitions) that its topic does not have. */
export class UnknownAssignedPartitionError extends BinderyError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    partitionCount: number,
  ) {
    super(
      'UNKNOWN_ASSIGNED_PARTITION',
      `topicPartitions names ${topic}-${partition}, but topic '${topic}' has ${partitionCount} partition(s) (0 to ${partitionCount - 1}): assign only partitions it has, or create more.`,
    );
  }
}

/** A consumer option outside what it accepts. */
export class InvalidConsumerOptionError extends BinderyError {
  constructor(name: string, value: unknown, rule: string) {
    super('INVALID_CONSUMER_OPTION', `Consumer option ${name} is ${String(value)}: it must be ${rule}.`);
  }
}
