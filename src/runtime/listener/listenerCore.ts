/**
 * What every listener container does whatever its listeners: the retry policy and recovery, the
 * invoker, offsets and commits, dead-lettering and forwarding to retry topics, the error
 * handler's decisions. ListenerContainer adds the bindings and the delivery of records and batches.
 */
import { BatchListenerFailedError, type ErrorAction, type ErrorHandler, type RecordInterceptor } from '../../annotations';
import type { Binder, ConsumerSession, InboundRecord, TopicPartition } from '../../binder/Binder';
import type { Clock } from '../clock';
import type { ConverterRegistry } from '../conversion';
import { DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS } from '../config/types';
import type { Logger } from '../logger';
import type { ConsumerDefinition } from '../model';
import type { Producers } from '../producers';
import { retryPolicy, type RetryPolicy, type RetryablePredicate } from '../retry';
import { Delivery, ListenerInvoker } from './attempts';
import { OffsetTracker } from './offsets';
import { Forwarder } from './forwarding';
import { BatchFailures } from './batchFailures';
import { RecordInterceptors } from './interceptors';
import { logSkip, Recovery, RetryTopicRoutes } from './recovery';
import { RetryTopicConsumer } from './retryTopicConsumer';
import { errorMessage as message, where } from './describe';
import { sleepWithHeartbeat } from './timing';
import { HandlerWatch } from './handlerWatch';
import { IdempotencyGuard, type IdempotencyKeyFn, type IdempotencyStoreChoice } from './idempotencyGuard';
import { NO_LISTENER_OBSERVER, type ListenerObserver } from '../observability/observers';

export interface ListenerContainerDeps {
  binder: Binder;
  producers: Producers;
  converters: ConverterRegistry;
  instanceOf: (service: Function) => object;
  clock: Clock;
  /** Store of listeners with consumer.idempotent: one for all, or one per listener name. */
  idempotencyStore: IdempotencyStoreChoice;
  /** A listener's own idempotency key (undefined = the message-id header, else topic-partition-offset). */
  idempotencyKey?: IdempotencyKeyFn;
  logger: Logger;
  retryable?: RetryablePredicate;
  /** The binding's metrics observer (undefined: none, a no-op stands in). */
  observe?: (definition: ConsumerDefinition) => ListenerObserver;
  /** Decides per failed attempt before the retry settings (Bindery.create's errorHandler). */
  errorHandler?: ErrorHandler;
  /** The application's record interceptors (the listener's own come after them). */
  recordInterceptors?: RecordInterceptor[];
}

/** What became of one record: done (commit past it) or stop (redeliver from it, commit nothing after). */
export type Outcome = 'done' | 'stop';
/** Synchronous while nothing needs waiting for, so a synchronous listener costs no promise per record. */
export type MaybeAsync<T> = T | Promise<T>;

export abstract class ListenerCore {
  /** Retries in place; with retry topics a single attempt, the topics doing the rest. */
  protected readonly policy: RetryPolicy;
  protected readonly recovery: Recovery;
  /** Non-blocking retries (consumer.retry 'topics'). */
  protected readonly retryTopics: RetryTopicConsumer | undefined;
  protected readonly interceptors: RecordInterceptors;
  protected readonly anyFilter: boolean;
  protected readonly batchFailures = new BatchFailures();
  protected readonly forwarder: Forwarder;
  protected readonly idempotency: IdempotencyGuard | undefined;
  protected readonly abort = new AbortController();
  /**
   * Offsets processed and not yet committed, per member (its session; a transactional listener's
   * session is its transaction's). Each member commits only its own records: two members hold one
   * partition at once while a rebalance moves it, and the offset one could not commit must not
   * ride on the other's commit (or, failed in a transaction, outlive that transaction).
   */
  private readonly offsetsByMember = new WeakMap<ConsumerSession, OffsetTracker>();
  protected readonly watch: HandlerWatch;
  protected readonly invoker: ListenerInvoker;
  protected stopping = false;
  /** Decided once from the listener methods, not per record. */
  protected readonly anyCondition: boolean;
  protected readonly anyAck: boolean;
  /** Target types to decode up front when no listener has a condition. */
  protected readonly payloadTypes: (Function | undefined)[];
  protected readonly manual: boolean;
  protected readonly commitPerRecord: boolean;
  protected readonly observer: ListenerObserver;

  constructor(
    readonly definition: ConsumerDefinition,
    protected readonly deps: ListenerContainerDeps,
  ) {
    const bindingPolicy = retryPolicy(definition.consumer, definition.name, deps.retryable);
    this.policy = definition.retryTopics ? { ...bindingPolicy, maxAttempts: 1 } : bindingPolicy;
    const destination = definition.destination;
    const routes = definition.retryTopics && new RetryTopicRoutes(definition.retryTopics, typeof destination === 'string' ? [destination] : (destination as string[]));
    this.retryTopics = routes && new RetryTopicConsumer(routes, definition, deps.binder, deps.clock);
    this.recovery = new Recovery(definition, bindingPolicy, deps.errorHandler, routes);
    this.interceptors = new RecordInterceptors([...(deps.recordInterceptors ?? []), ...(definition.interceptors ?? [])], definition.name);
    this.anyFilter = definition.listeners.some((l) => l.filter !== undefined);
    this.observer = deps.observe?.(definition) ?? NO_LISTENER_OBSERVER;
    this.forwarder = new Forwarder(deps, definition.name, definition.consumer.partitionCount, () => this.retryTopics?.topics(), this.observer);
    const listeners = definition.listeners;
    this.anyCondition = listeners.some((l) => l.condition !== undefined);
    this.anyAck = listeners.some((l) => l.parameters.some((p) => p.kind === 'ack'));
    this.payloadTypes = listeners.flatMap((l) => l.parameters.flatMap((p) => (p.kind === 'payload' ? [p.targetType] : [])));
    const mode = definition.consumer.ackMode;
    this.manual = mode === 'manual' || mode === 'manual_immediate';
    this.commitPerRecord = mode === 'record' || mode === 'manual_immediate';
    const c = definition.consumer;
    this.watch = new HandlerWatch(definition.name, c.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS, c.handlerTimeoutMs, deps.logger);
    this.invoker = new ListenerInvoker({
      name: definition.name,
      policy: this.policy,
      handlerTimeoutMs: c.handlerTimeoutMs,
      instanceOf: deps.instanceOf,
      producers: deps.producers,
      logger: deps.logger,
      watch: this.watch,
      isStopping: () => this.stopping,
      sleepWithHeartbeat: (ms, session) => this.sleepWithHeartbeat(ms, session),
      retried: (record) => {
        // A transactional listener's failed attempt leaves nothing behind: what it sent is aborted.
        deps.producers.transactions.current()?.rollbackAttempt();
        this.observer.retried(record);
      },
      attemptFailed: (delivery, error, policyRetries) => this.attemptFailed(delivery, error, policyRetries),
    });
    if (definition.consumer.idempotent) {
      this.idempotency = new IdempotencyGuard(definition, deps.idempotencyStore, this.policy, deps.logger, deps.idempotencyKey);
    }
  }

  get name(): string {
    return this.definition.name;
  }

  abstract stop(timeoutMs: number): Promise<void>;

  /** A record an interceptor or the listener's filter left out: acknowledged and counted, never handled. */
  protected filtered(record: InboundRecord, session: ConsumerSession): MaybeAsync<Outcome> {
    this.observer.processed(record, 'filtered');
    return this.completed(record, session);
  }

  /** An attempt failed: interceptors see it, the error handler may decide instead of the retry settings. */
  protected attemptFailed(delivery: Delivery, error: unknown, policyRetries: boolean): boolean {
    if (this.interceptors.any) this.interceptors.failure(delivery.first, error);
    // The batch listener named the record: it is retried by delivering the batch again from it.
    if (error instanceof BatchListenerFailedError && Array.isArray(delivery.input)) return false;
    if (!this.deps.errorHandler) return policyRetries;
    const exhausted = this.retryTopics ? !this.recovery.retriesLeft(error, delivery.attempt) : !policyRetries;
    const decided = this.recovery.consult(delivery.first, error, delivery.attempt, exhausted);
    if (decided === undefined) return policyRetries;
    if (decided === 'retry' && !this.retryTopics) return true;
    delivery.decision = decided;
    return false;
  }

  /**
   * Not retried in place (attempts exhausted, not retryable, or the error handler chose): forward
   * to the next retry topic, dead-letter, skip, or stop, as Recovery resolves it.
   */
  protected async recover(
    records: InboundRecord[], error: unknown, attempts: number, session: ConsumerSession, deferCommit = false, decided?: ErrorAction,
  ): Promise<Outcome> {
    const first = records[0];
    // In a transactional listener, what the last attempt sent is aborted; the forward (retry topic or
    // dead letter) and the offset commit go in a fresh transaction.
    this.deps.producers.transactions.current()?.rollbackAttempt();
    const resolution = this.recovery.resolve(first, error, attempts, decided);
    if (resolution.kind === 'stop') return this.stopAt(first, error, session);
    if (resolution.kind === 'skip') {
      logSkip(this.deps.logger, this.name, resolution.reason, first, attempts, error);
      this.observer.processed(first, resolution.reason === 'dlqOff' ? 'failure' : 'skipped', records.length);
      return this.completed(records[records.length - 1], session, deferCommit);
    }
    if (!(await this.forwarder.forward(resolution, records, error, attempts))) {
      // Not committed: the record is redelivered and tried again rather than lost.
      session.seek({ topic: first.topic, partition: first.partition, offset: first.offset });
      await this.sleepWithHeartbeat(this.definition.consumer.backOffInitialInterval, session);
      return 'stop';
    }
    return this.completed(records[records.length - 1], session, deferCommit);
  }

  /** The error handler or recoverer stopped the listener: the record is not committed, the next start delivers it again. */
  protected stopAt(record: InboundRecord, error: unknown, session: ConsumerSession): Outcome {
    this.deps.logger.error({ err: error }, `${this.name}: stopped at ${where(record)} by the error handler; it is delivered again when the listener starts`);
    session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
    // Not awaited: stopping waits for the handler in flight, which is this one.
    this.stop(DEFAULT_SHUTDOWN_TIMEOUT_MS).catch((e) => this.deps.logger.error({ err: e }, `${this.name}: stopping failed`));
    return 'stop';
  }

  /** The record is finished: commit now (record, manual_immediate) or with the batch (batch, manual). */
  protected completed(record: InboundRecord, session: ConsumerSession, deferCommit = false): MaybeAsync<Outcome> {
    this.offsetsOf(session).mark(record);
    if (!deferCommit && this.commitPerRecord) return this.commitPending(session, [record]).then(() => 'done');
    return 'done';
  }

  protected acknowledged(record: InboundRecord, session: ConsumerSession): void {
    this.offsetsOf(session).mark(record);
    if (this.definition.consumer.ackMode === 'manual_immediate') {
      this.commitPending(session, [record]).catch((e) => this.deps.logger.error({ err: e }, `${this.name}: commit failed`));
    }
  }

  protected async nacked(record: InboundRecord, sleepMs: number, session: ConsumerSession): Promise<Outcome> {
    session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
    await this.commitPending(session, [record]);
    await this.sleepWithHeartbeat(sleepMs, session);
    return 'stop';
  }

  protected async commitPending(session: ConsumerSession, partitions: TopicPartition[]): Promise<void> {
    const pending = this.offsetsOf(session);
    const offsets = pending.take(partitions);
    if (offsets.length === 0) return;
    const started = this.observer.now();
    try {
      await session.commit(offsets);
      this.observer.committed(offsets, started);
    } catch (error) {
      // Still done: the next commit of these partitions carries the offsets.
      pending.restore(offsets);
      throw error;
    }
  }

  protected offsetsOf(session: ConsumerSession): OffsetTracker {
    let offsets = this.offsetsByMember.get(session);
    if (!offsets) this.offsetsByMember.set(session, (offsets = new OffsetTracker()));
    return offsets;
  }

  protected sleepWithHeartbeat(ms: number, session: ConsumerSession): Promise<void> {
    const c = this.definition.consumer;
    return sleepWithHeartbeat(ms, session, c.heartbeatIntervalMs, this.deps.clock, this.abort.signal, (e) =>
      this.deps.logger.warn(`${this.name}: heartbeat during backoff failed (${message(e)})`),
    );
  }
}
