/**
 * What an EndTxn does, by Kafka's TransactionCoordinator. Version 1 (EndTxn v0–v4): only the
 * current epoch may end a transaction, and a repeated EndTxn of a completed one is answered NONE.
 *
 * Version 2: what an EndTxn of a transactions-version-2 producer (EndTxn v5+) does, by Kafka's
 * TransactionCoordinator: every EndTxn bumps the epoch, so a request carrying the epoch just
 * before the current one is the retry of an EndTxn that already succeeded (answered as it was),
 * and any other epoch but the current one is fenced.
 *
 *   state           | abort: retry / current | commit: retry / current
 *   Empty           | PRODUCER_FENCED / bump  | PRODUCER_FENCED / INVALID_TXN_STATE
 *   CompleteAbort   | NONE / bump             | INVALID_TXN_STATE / INVALID_TXN_STATE
 *   CompleteCommit  | INVALID_TXN_STATE / bump| NONE / INVALID_TXN_STATE
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { MAX_PRODUCER_EPOCH, type TransactionMetadata } from './TransactionMetadata';
import { TransactionState } from './TransactionState';
import type { TxnProducer } from './types';

const S = TransactionState;

export type EndTxnDecision =
  /** Answer at once: NONE answers carry the current producer id and epoch. */
  | { kind: 'answer'; errorCode: number }
  /** Decide the transaction: prepare `commit` or abort with a bumped epoch; `noPartitionAdded` when none was open. */
  | { kind: 'end'; commit: boolean; noPartitionAdded: boolean };

/** The code a request of this producer gets when it is not the current one of its transactional id, else NONE. */
function producerError(m: TransactionMetadata, p: TxnProducer): number {
  if (m.producerId !== p.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
  return m.producerEpoch === p.producerEpoch ? ErrorCode.NONE : ErrorCode.PRODUCER_FENCED;
}

export function decideEndTxnV1(m: TransactionMetadata, p: TxnProducer, commit: boolean): EndTxnDecision {
  const answer = (errorCode: number): EndTxnDecision => ({ kind: 'answer', errorCode });
  const refused = producerError(m, p);
  if (refused !== ErrorCode.NONE) return answer(refused);
  switch (m.state) {
    case S.Ongoing:
      return { kind: 'end', commit, noPartitionAdded: false };
    case S.CompleteCommit:
      return answer(commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
    case S.CompleteAbort:
      return answer(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE);
    case S.PrepareCommit:
      return answer(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
    case S.PrepareAbort:
      return answer(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS);
    default:
      return answer(ErrorCode.INVALID_TXN_STATE);
  }
}

export function decideEndTxnV2(m: TransactionMetadata, p: TxnProducer, commit: boolean): EndTxnDecision {
  const answer = (errorCode: number): EndTxnDecision => ({ kind: 'answer', errorCode });
  // The retry of an EndTxn whose epoch bump overflowed into a new producer id.
  const retryOnOverflow = m.prevProducerId === p.producerId && p.producerEpoch === MAX_PRODUCER_EPOCH - 1 && m.producerEpoch === 0;
  const retryOnEpochBump = m.producerEpoch === p.producerEpoch + 1;
  if (m.producerId !== p.producerId && !retryOnOverflow) return answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  let validEpoch: boolean;
  switch (m.state) {
    case S.PrepareCommit:
    case S.PrepareAbort:
      validEpoch = retryOnEpochBump;
      break;
    case S.CompleteCommit:
    case S.CompleteAbort:
      validEpoch = retryOnEpochBump || retryOnOverflow || p.producerEpoch === m.producerEpoch;
      break;
    default:
      validEpoch = p.producerEpoch === m.producerEpoch;
  }
  if (!validEpoch) return answer(ErrorCode.PRODUCER_FENCED);
  const retry = retryOnEpochBump || retryOnOverflow;
  switch (m.state) {
    case S.Ongoing:
      return { kind: 'end', commit, noPartitionAdded: false };
    case S.CompleteCommit:
      if (commit) return answer(retry ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
      return retry ? answer(ErrorCode.INVALID_TXN_STATE) : { kind: 'end', commit: false, noPartitionAdded: true };
    case S.CompleteAbort:
      if (commit) return answer(ErrorCode.INVALID_TXN_STATE);
      return retry ? answer(ErrorCode.NONE) : { kind: 'end', commit: false, noPartitionAdded: true };
    case S.PrepareCommit:
      return answer(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
    case S.PrepareAbort:
      return answer(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS);
    case S.Empty:
      return commit ? answer(ErrorCode.INVALID_TXN_STATE) : { kind: 'end', commit: false, noPartitionAdded: true };
    default:
      return answer(ErrorCode.INVALID_TXN_STATE);
  }
}
