/**
 * PRODUCER_FENCED (KIP-588) is answered only to request versions that know it; older versions get
 * INVALID_PRODUCER_EPOCH, as Kafka's request handlers convert it.
 */
import { ErrorCode } from '../../../protocol/errorCodes';

export function fencedForVersion(errorCode: number, apiVersion: number, firstVersionWithProducerFenced: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < firstVersionWithProducerFenced ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
