/** Errors of the framework's transactions. */
import { BinderyError } from '../../protocol/primitives/errors';

/** A binder without transactional producers (the test binder). */
export class TransactionsUnsupportedError extends BinderyError {
  constructor(binder: string) {
    super('TRANSACTIONS_UNSUPPORTED', `The '${binder}' binder has no transactional producers: use the native or the kafka binder for transactions.`);
  }
}

/** A transactional send or listener whose producer has no transactional id prefix. */
export class TransactionConfigError extends BinderyError {
  constructor(what: string) {
    super(
      'TRANSACTION_CONFIG',
      `${what} needs a transactional producer: set producer.transactionIdPrefix on the output binding it sends to, or default.producer.transactionIdPrefix.`,
    );
  }
}

/** Sends of one transaction went to two binders: a transaction lives on one cluster. */
export class TransactionBinderMismatchError extends BinderyError {
  constructor(first: string, second: string, destination: string) {
    super(
      'TRANSACTION_BINDER_MISMATCH',
      `A transaction on the '${first}' binder cannot send to '${destination}' on the '${second}' binder: send what must be atomic through one binder.`,
    );
  }
}

/**
 * A send outside any transaction to a transactional binding ran in a transaction of its own
 * together with other sends made at the same time, and another of them failed: the transaction
 * was aborted, so this record is not visible either.
 */
export class LocalTransactionAbortedError extends BinderyError {
  constructor(override readonly cause: unknown) {
    super(
      'LOCAL_TRANSACTION_ABORTED',
      `The send was aborted with the transaction it ran in (sends outside app.transaction() to a binding with producer.transactionIdPrefix run in one, ` +
        `shared by the sends made at the same time), because another of its sends failed: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'The record is not visible to read_committed consumers; send it again, or set producer.allowNonTransactional to send without a transaction.',
    );
  }
}

/**
 * An output binding with a durable outbox whose sends run in transactions: a transaction commits
 * only while the cluster answers, so its records could never wait in the outbox.
 */
export class OutboxTransactionConflictError extends BinderyError {
  constructor(binding: string, destination: string) {
    super(
      'OUTBOX_TRANSACTION_CONFLICT',
      `Binding '${binding}' (destination '${destination}') has producer.outbox and producer.transactionIdPrefix (its own or default.producer's): ` +
        'a send outside a transaction would run in a transaction of its own, which cannot wait in the outbox. ' +
        'Set producer.allowNonTransactional: true to send such records through the outbox, or remove one of the two settings.',
    );
  }
}
