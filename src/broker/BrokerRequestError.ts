import { BinderyError } from '../protocol/primitives';
import { ErrorCode, errorName } from '../protocol/errorCodes';
import { describeFsError, isFsError } from './log/errors';

/**
 * A request the broker refuses, carrying the Kafka error code its response reports.
 * Thrown inside the broker's rooms and turned into a per-partition/per-topic result by the
 * facade, so no exception ever escapes a Broker operation.
 */
export class BrokerRequestError extends BinderyError {
  constructor(
    readonly errorCode: number,
    message: string,
    /** The batch of a produced record set the error is about (ProduceResponse recordErrors). */
    readonly batchIndex?: number,
  ) {
    super(errorName(errorCode), message);
  }
}

/** The Kafka error code and message for anything thrown while serving a request. */
export function toErrorResult(err: unknown): { errorCode: number; errorMessage: string } {
  if (err instanceof BrokerRequestError) return { errorCode: err.errorCode, errorMessage: err.message };
  // a disk that failed or is full: the client may retry later, as with Kafka's KafkaStorageException
  if (isFsError(err)) return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: `storage error: ${describeFsError(err)}` };
  const withCode = err as { errorCode?: unknown; kafkaErrorCode?: unknown };
  const code = typeof withCode?.errorCode === 'number' ? withCode.errorCode : typeof withCode?.kafkaErrorCode === 'number' ? withCode.kafkaErrorCode : -1;
  const message = err instanceof Error ? err.message : String(err);
  return { errorCode: code, errorMessage: message };
}
