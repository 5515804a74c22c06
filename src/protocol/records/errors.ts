import { BinderyError } from '../primitives/errors';
import { ErrorCode } from '../errorCodes';

/** Stable codes of the structural problems a batch header can have. */
export type InvalidRecordBatchCode =
  | 'RECORD_BATCH_TRUNCATED'
  | 'RECORD_BATCH_TOO_SMALL'
  | 'RECORD_BATCH_MAGIC'
  | 'RECORD_BATCH_UNKNOWN_CODEC';

/** Stable codes of problems found inside a structurally sound batch. */
export type CorruptRecordCode = 'RECORD_BATCH_CRC' | 'RECORD_COUNT_MISMATCH' | 'RECORD_MALFORMED';

/**
 * The bytes at `position` are not a usable RecordBatch v2: too short, a length that runs past the
 * buffer, or another magic. `kafkaErrorCode` is what a broker answers a producer with.
 */
export class InvalidRecordBatchError extends BinderyError {
  constructor(
    override readonly code: InvalidRecordBatchCode,
    readonly position: number,
    message: string,
    readonly kafkaErrorCode: number = ErrorCode.CORRUPT_MESSAGE,
  ) {
    super(code, message);
  }
}

/** A RecordBatch v2 whose checksum or records do not hold up; the data was damaged or forged. */
export class CorruptRecordError extends BinderyError {
  constructor(
    override readonly code: CorruptRecordCode,
    readonly position: number,
    message: string,
    readonly kafkaErrorCode: number = code === 'RECORD_BATCH_CRC' ? ErrorCode.CORRUPT_MESSAGE : ErrorCode.INVALID_RECORD,
  ) {
    super(code, message);
  }
}

/** A record was appended to a RecordBatchBuilder after its buffer was handed over by build(). */
export class BatchBuiltError extends BinderyError {
  constructor() {
    super('RECORD_BATCH_ALREADY_BUILT', 'a record batch takes no more records once it was built');
  }
}
