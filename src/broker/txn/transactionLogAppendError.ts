/**
 * The code a transaction coordinator request answers when its write to `__transaction_state`
 * failed, as Kafka's TransactionStateManager.appendTransactionToLog turns the append's error into
 * a coordinator error: a storage error or a lost leadership sends the client to find the
 * coordinator again (NOT_COORDINATOR), an unavailable log makes it retry (COORDINATOR_NOT_AVAILABLE).
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { toErrorResult } from '../BrokerRequestError';

const AS_COORDINATOR_ERROR: ReadonlyMap<number, number> = new Map([
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.COORDINATOR_NOT_AVAILABLE],
  [ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.COORDINATOR_NOT_AVAILABLE],
  [ErrorCode.REQUEST_TIMED_OUT, ErrorCode.COORDINATOR_NOT_AVAILABLE],
  [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_COORDINATOR],
  [ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.NOT_COORDINATOR],
  [ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.UNKNOWN_SERVER_ERROR],
  [ErrorCode.RECORD_LIST_TOO_LARGE, ErrorCode.UNKNOWN_SERVER_ERROR],
]);

/** The coordinator's error code and message for a failed `__transaction_state` write (any other error keeps its code). */
export function transactionLogAppendError(err: unknown): { errorCode: number; errorMessage: string } {
  const { errorCode, errorMessage } = toErrorResult(err);
  return { errorCode: AS_COORDINATOR_ERROR.get(errorCode) ?? errorCode, errorMessage };
}
