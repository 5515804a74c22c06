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

/** Appended bytes that are not a valid RecordBatch v2 (bad CRC, magic, length). Nothing was written. */
export class CorruptBatchError extends LogError {
  constructor(message: string) {
    super('CORRUPT_MESSAGE', ErrorCode.CORRUPT_MESSAGE, message);
  }
}

/** A checkpoint file (recovery points, log start offsets) that does not parse. */
export class CorruptCheckpointError extends BinderyError {
  constructor(message: string) {
    super('CORRUPT_CHECKPOINT', message);
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

/**
 * A write to the log's files failed (ENOSPC, EIO...). The append was undone: the log holds what it
 * held before, so the producer may retry once the disk has room again.
 */
export class LogStorageError extends LogError {
  constructor(
    message: string,
    /** The filesystem error (its `code` says which: ENOSPC, EIO, EDQUOT...). */
    override readonly cause: unknown,
  ) {
    super('KAFKA_STORAGE_ERROR', ErrorCode.KAFKA_STORAGE_ERROR, message);
  }
}

/** `ENOSPC: no space left on device, write` from a node:fs error, or the message of anything else. */
export function describeFsError(err: unknown): string {
  if (err instanceof LogStorageError) return describeFsError(err.cause);
  const e = err as NodeJS.ErrnoException | null;
  if (e && typeof e.code === 'string' && e instanceof Error) return e.message.startsWith(e.code) ? e.message : `${e.code}: ${e.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Whether a filesystem error means the disk (or the user's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Whether `err` is a node:fs (errno) error: what a failing disk throws. */
export function isFsError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | null;
  return e instanceof Error && typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && (typeof e.errno === 'number' || typeof e.syscall === 'string');
}
