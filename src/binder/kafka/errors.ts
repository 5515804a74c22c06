import { BinderyError } from '../../protocol/primitives/errors';

/** The brokers could not be reached (after the bounded retries). */
export class KafkaConnectionError extends BinderyError {
  constructor(
    readonly brokers: string[],
    override readonly cause: Error,
  ) {
    super(
      'KAFKA_CONNECTION',
      `Could not connect to Kafka at ${brokers.join(',')}: ${describeCause(cause)}. ` +
        `Check that a broker runs there and that binders.kafka.brokers (or KAFKA_BROKERS) points to it.`,
    );
  }
}

/** A Kafka request failed for a reason other than reachability (bad config, authorization, …). */
export class KafkaBinderError extends BinderyError {
  constructor(
    what: string,
    override readonly cause: Error,
  ) {
    super('KAFKA_BINDER', `${what} failed: ${describeCause(cause)}`);
  }
}

export class KafkaBinderClosedError extends BinderyError {
  constructor() {
    super('KAFKA_BINDER_CLOSED', 'The kafka binder was closed: create a new one to bind again.');
  }
}

function describeCause(error: Error): string {
  const nested = (error as { cause?: unknown }).cause;
  const inner = nested instanceof Error && nested.message !== error.message ? ` (${nested.message})` : '';
  return `${error.name}: ${error.message}${inner}`;
}

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSRequestTimeoutError',
]);

function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (CONNECTION_ERRORS.has(current.name)) return true;
    const code = (current as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') return true;
    current = (current as { cause?: unknown; originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Maps a kafkajs failure of `what` to a typed bindery error. */
export function toBinderError(what: string, brokers: string[], error: unknown): BinderyError {
  if (error instanceof BinderyError) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  return isConnectionFailure(cause) ? new KafkaConnectionError(brokers, cause) : new KafkaBinderError(what, cause);
}
