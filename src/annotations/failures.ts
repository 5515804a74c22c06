/**
 * What user code gives the listener container to handle failures and to look at records on their
 * way in and out: error handlers and recoverers, record and producer interceptors, filters, and
 * the error a batch listener throws to name the record that failed.
 */

/** A record as the container received it (read the fields by name). */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ReadonlyArray<{ readonly key: string; readonly value: Buffer | null }>;
}

/** A record on its way to the binder; an interceptor may add headers or return a changed copy. */
export interface ProducedRecord {
  readonly topic: string;
  key?: Buffer | null;
  value: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
  partition?: number;
  timestamp?: number;
}

/**
 * What to do with a record whose attempt failed: `retry` (in place, or the next retry topic),
 * `deadLetter` (to the binding's dead-letter topic, or `{ deadLetter: topic }` chosen per record),
 * `skip` (log, commit, go on) or `stop` (stop the listener; the record is not committed).
 */
export type ErrorAction = 'retry' | 'deadLetter' | 'skip' | 'stop' | { deadLetter: string };

export interface ListenerFailure {
  /** Binding name or listener id. */
  readonly listener: string;
  /** The record that failed (a batch listener's first record unless it named one). */
  readonly record: ConsumedRecord;
  readonly error: unknown;
  /** Attempts made so far, this one included (across retry topics). */
  readonly attempts: number;
  /** Whether the retry settings allow no further attempt. */
  readonly exhausted: boolean;
}

/** `Bindery.create({ errorHandler })`: consulted after every failed attempt; undefined = the retry settings decide. */
export type ErrorHandler = (failure: ListenerFailure) => ErrorAction | undefined | void;

/**
 * A listener's recoverer (`recoverer` option): consulted once the attempts are exhausted, instead of
 * the dead-letter topic. Returning nothing means the record was recovered (committed, not sent anywhere).
 */
export type Recoverer = (failure: ListenerFailure) => Exclude<ErrorAction, 'retry'> | undefined | void;

/** Per listener: records it returns false for are acknowledged and counted, never handled. */
export type RecordFilter = (record: ConsumedRecord) => boolean;

/**
 * Sees each record around its handling. `before` may return a changed record (what the listener
 * gets; offsets stay the original's) or null to filter it out (acknowledged, counted as filtered).
 * `afterFailure` runs after every failed attempt. All three are synchronous.
 */
export interface RecordInterceptor {
  before?(record: ConsumedRecord, listener: string): ConsumedRecord | null | undefined | void;
  afterSuccess?(record: ConsumedRecord, listener: string): void;
  afterFailure?(record: ConsumedRecord, error: unknown, listener: string): void;
}

/** Sees every record the application sends (output channels, `app.send`, @SendTo, dead letters). */
export interface ProducerInterceptor {
  beforeSend(record: ProducedRecord): ProducedRecord | undefined | void;
}

/**
 * Thrown by a batch listener: the records before the one named are committed, that one is retried
 * or dead-lettered on its own, the rest are delivered again. `indexOrRecord` is its index in the
 * batch, or its payload object, or its RecordContext.
 */
export class BatchListenerFailedError extends Error {
  readonly code = 'BATCH_LISTENER_FAILED';

  constructor(
    readonly indexOrRecord: number | object,
    override readonly cause: unknown,
  ) {
    super(`batch listener failed on record ${typeof indexOrRecord === 'number' ? `#${indexOrRecord}` : 'given'}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'BatchListenerFailedError';
  }
}

/** `@RetryableTopic`: non-blocking retries through retry topics for one listener. */
export interface RetryableTopicOptions {
  /** Attempts including the first. Default: the binding's maxAttempts. */
  attempts?: number;
  /** Delay before each retry: `delay` × `multiplier`^(n-1), capped at `maxDelay`. Default: the binding's backOff settings. */
  backoff?: { delay?: number; multiplier?: number; maxDelay?: number };
  /** Only these errors are retried (classes, or names of built-in errors such as 'TypeError'). */
  include?: Array<Function | string>;
  /** These errors go straight to the dead-letter topic. */
  exclude?: Array<Function | string>;
  /** Dead-letter topic. Default `<topic>-dlt`. */
  dltTopic?: string;
}
