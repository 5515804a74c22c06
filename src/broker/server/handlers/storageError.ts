import { ErrorCode } from '../../../protocol/errorCodes';

/**
 * A partition error as a client of `apiVersion` can act on it: KAFKA_STORAGE_ERROR arrived with
 * KIP-112 (Produce v4, Fetch v6); older clients get the retriable NOT_LEADER_OR_FOLLOWER that Kafka
 * gives them for a failed log directory, so they retry instead of failing on an unknown code.
 */
export function storageErrorForVersion(errorCode: number, apiVersion: number, firstVersionWithStorageError: number): number {
  if (errorCode !== ErrorCode.KAFKA_STORAGE_ERROR || apiVersion >= firstVersionWithStorageError) return errorCode;
  return ErrorCode.NOT_LEADER_OR_FOLLOWER;
}
