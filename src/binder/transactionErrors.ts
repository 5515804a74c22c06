/** Errors of transactional producers, the same on every binder. */
import { BinderyError } from '../protocol/primitives/errors';

/** A newer producer with the same transactional id took over: this one may not write or commit any more. */
export class ProducerFencedError extends BinderyError {
  constructor(transactionalId: string, detail?: string) {
    super(
      'PRODUCER_FENCED',
      `The transactional producer '${transactionalId}' was fenced by a newer producer with the same transactional id${detail ? ` (${detail})` : ''}: ` +
        'its transaction is aborted; close it and let the newer instance do the work.',
    );
  }
}

/** begin/send/commit called out of order (a send outside a transaction, a second begin...). */
export class TransactionStateError extends BinderyError {
  constructor(transactionalId: string, message: string) {
    super('TRANSACTION_STATE', `Transactional producer '${transactionalId}': ${message}`);
  }
}

/** The broker refused a step of the transaction; the transaction is aborted. */
export class TransactionFailedError extends BinderyError {
  constructor(transactionalId: string, step: string, detail: string) {
    super('TRANSACTION_FAILED', `Transactional producer '${transactionalId}': ${step} failed: ${detail}. The transaction was aborted; run it again.`);
  }
}
