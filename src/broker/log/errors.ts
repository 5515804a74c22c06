import { BinderyError } from '../../protocol/primitives/errors';
import { ErrorCode } from '../../protocol/errorCodes';

/** A log refused an operation; `errorCode` is the Kafka protocol error to answer clients with. */
export class LogError extends BinderyError {
  constructor(
    code: string,
    readonly errorCode: number,
    message: string,
  ) {
    super(code, message);
  }
}

/** Bytes that are not a valid RecordBatch v2 (bad CRC, magic, length). Nothing was written. */
export class CorruptRecordError extends LogError {
  constructor(message: string) {
    super('CORRUPT_MESSAGE', ErrorCode.CORRUPT_MESSAGE, message);
  }
}

/** A batch larger than max.message.bytes. Nothing was written. */
export class RecordTooLargeError extends LogError {
  constructor(message: string) {
    super('MESSAGE_TOO_LARGE', ErrorCode.MESSAGE_TOO_LARGE, message);
  }
}

/** A well-formed batch whose contents break a rule (record count, offsets going backwards). */
export class InvalidRecordError extends LogError {
  constructor(message: string) {
    super('INVALID_RECORD', ErrorCode.INVALID_RECORD, message);
  }
}

/** A read, truncation or deletion at an offset outside [logStartOffset, logEndOffset]. */
export class OffsetOutOfRangeError extends LogError {
  constructor(message: string) {
    super('OFFSET_OUT_OF_RANGE', ErrorCode.OFFSET_OUT_OF_RANGE, message);
  }
}

/** The log was closed or deleted and can no longer be used. */
export class LogClosedError extends LogError {
  constructor(dir: string) {
    super('LOG_CLOSED', ErrorCode.KAFKA_STORAGE_ERROR, `log ${dir} is closed: reopen it before using it again`);
  }
}
