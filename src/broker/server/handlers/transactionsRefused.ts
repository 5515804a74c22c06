/**
 * bindery has no transaction coordinator yet. A transactional producer is refused with answers
 * every client treats as fatal (rather than retrying a "coordinator not available" until its own
 * timeout), and the operator is told once per client and transactional id.
 */
import type { BrokerServices } from '../brokerApi';
import type { RequestContext } from '../types';

export const TRANSACTIONS_REFUSED_MESSAGE =
  'Transactions are not supported by this broker (bindery): drop transactional.id and use an idempotent producer (enable.idempotence=true)';

/**
 * Where a transactional producer is refused. kafkajs turns any FindCoordinator error into "Failed
 * to find group coordinator", and librdkafka retries every code but
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED; both fail at once, naming the transactional id, when
 * InitProducerId answers that code. Those clients ask with FindCoordinator v0–v3, and are told this
 * broker coordinates the id. The Java client (v4+, batched keys) turns that code into its own
 * "authorization failed" text, but reports the broker's error message for a FindCoordinator code
 * it does not expect: it is refused there, with UNSUPPORTED_VERSION and the message.
 */
export function refusesAtFindCoordinator(apiVersion: number): boolean {
  return apiVersion >= 4;
}

/** Logs the refusal of `transactionalId` once per client. */
export function noteTransactionsRefused(ctx: RequestContext<BrokerServices>, transactionalId: string): void {
  const client = ctx.header.clientId ?? '';
  ctx.services.notices.once(
    `transactions\u0000${client}\u0000${transactionalId}`,
    `refused transactional producer: client "${client}" (${ctx.connection.remoteAddress}) asked for transactional.id "${transactionalId}"; ` +
      'transactions are not supported by this broker (the client should drop transactional.id and use an idempotent producer)',
  );
}
