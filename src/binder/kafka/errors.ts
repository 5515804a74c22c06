import { BinderyError } from '../../protocol/primitives/errors';
import { describeThrown } from '../describeThrown';

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

export function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (CONNECTION_ERRORS.has((current as Error).name)) return true;
    const code = (current as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') return true;
    current = (current as { cause?: unknown; originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** kafkajs 2.2.4 sizes header values with Buffer.byteLength, which throws on null. */
export class NullHeaderValueError extends BinderyError {
  constructor(readonly header: string) {
    super(
      'KAFKA_NULL_HEADER_VALUE',
      `Header '${header}' has a null value, which the kafka binder (kafkajs) cannot send: use an empty value or leave the header out.`,
    );
  }
}

/** Errors from Node internals may come from another realm (e.g. under jest): judge by shape. */
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string') {
    const copy = new Error((error as Error).message);
    copy.name = (error as Error).name ?? 'Error';
    (copy as { code?: unknown }).code = (error as { code?: unknown }).code;
    return copy;
  }
  return new Error(describeThrown(error));
}

const COORDINATOR_ERRORS = new Set(['NOT_COORDINATOR_FOR_GROUP', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_NOT_AVAILABLE']);

/** The group coordinator a consumer talks to is gone (kafkajs keeps using a dead one until it rejoins). */
export function isCoordinatorLoss(error: unknown): boolean {
  if (isConnectionFailure(error)) return true;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const type = (current as { type?: string }).type;
    if (type !== undefined && COORDINATOR_ERRORS.has(type)) return true;
    current = (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The cluster refused the consumer's session timeout (INVALID_SESSION_TIMEOUT). */
export class KafkaSessionTimeoutError extends BinderyError {
  constructor(
    what: string,
    readonly sessionTimeoutMs: number,
  ) {
    super(
      'KAFKA_INVALID_SESSION_TIMEOUT',
      `${what} failed: sessionTimeoutMs ${sessionTimeoutMs} is outside what the brokers allow. Set the binding's consumer.sessionTimeoutMs ` +
        `between the brokers' group.min.session.timeout.ms and group.max.session.timeout.ms (Kafka's defaults: between 6000 and 1800000 ms).`,
    );
  }
}

/** Whether a kafkajs error (or one it wraps) carries the Kafka error `type`. */
export function hasErrorType(error: unknown, type: string): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { type?: string }).type === type) return true;
    current = (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Maps a kafkajs failure of `what` to a typed bindery error. */
export function toBinderError(what: string, brokers: string[], error: unknown): BinderyError {
  if (error instanceof BinderyError) return error;
  const cause = asError(error);
  return isConnectionFailure(cause) ? new KafkaConnectionError(brokers, cause) : new KafkaBinderError(what, cause);
}
