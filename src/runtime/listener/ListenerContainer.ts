/**
 * Runs the listeners of one consumer binding. Per partition, in offset order, each record goes
 * through: deserialize → idempotency claim → invoke with retry and backoff → @SendTo forward →
 * ack/commit → dead-letter topic when attempts are exhausted. The container is the only retry
 * owner; the binder only delivers, commits and seeks.
 */
import { BatchListenerFailedError, type ErrorAction, type ErrorHandler, type RecordInterceptor } from '../../annotations';
import type { Binder, ConsumerBinding, ConsumerOptions, ConsumerSession, InboundBatch, InboundRecord, TopicPartition } from '../../binder/Binder';
import type { Clock } from '../clock';
import type { ConverterRegistry } from '../conversion';
import { DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS } from '../config/types';
import { MessageConversionError } from '../errors';
import type { IdempotencyStoreHealth } from '../idempotency';
import type { Logger } from '../logger';
import type { ConsumerDefinition, ListenerMethod } from '../model';
import type { Producers } from '../producers';
import { retryPolicy, type RetryPolicy, type RetryablePredicate } from '../retry';
import { ListenerAcknowledgment } from './context';
import { Delivery, ListenerInvoker, type InvokeResult } from './attempts';
import { DecodedRecord, isThenable, matchingListeners } from './invoke';
import { consumerOptions } from './consumerOptions';
import { OffsetTracker } from './offsets';
import { Forwarder } from './forwarding';
import { batchFailureIndex, BatchFailures } from './batchFailures';
import { DueTimeHolds } from './dueTimeHolds';
import { RecordInterceptors } from './interceptors';
import { Recovery, RetryTopicRoutes, type Resolution } from './recovery';
import { dueTime, forwardedRecord, previousAttempts } from './retryTopics';
import { errorMessage as message, where } from './describe';
import { sleepWithHeartbeat, withTimeout } from './timing';
import { HandlerWatch, type StuckPartition } from './handlerWatch';
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
type Outcome = 'done' | 'stop';
/** Synchronous while nothing needs waiting for, so a synchronous listener costs no promise per record. */
type MaybeAsync<T> = T | Promise<T>;

export class ListenerContainer {
  private binding: ConsumerBinding | undefined;
  /** The consumer of the retry topics (consumer.retry 'topics'). */
  private retryBinding: ConsumerBinding | undefined;
  private pausedByApplication = false;
  /** Retries in place; with retry topics a single attempt, the topics doing the rest. */
  private readonly policy: RetryPolicy;
  private readonly recovery: Recovery;
  private readonly routes: RetryTopicRoutes | undefined;
  private readonly holds: DueTimeHolds;
  /** Partition count each retry and dead-letter topic is created with, once known (after start). */
  private retryTopicsReady: Promise<Map<string, number>> | undefined;
  private readonly interceptors: RecordInterceptors;
  private readonly anyFilter: boolean;
  private readonly batchFailures = new BatchFailures();
  private readonly forwarder: Forwarder;
  private readonly idempotency: IdempotencyGuard | undefined;
  private readonly abort = new AbortController();
  private readonly offsets = new OffsetTracker();
  private readonly watch: HandlerWatch;
  private readonly invoker: ListenerInvoker;
  private stopping = false;
  /** Decided once from the listener methods, not per record. */
  private readonly anyCondition: boolean;
  private readonly anyAck: boolean;
  /** Target types to decode up front when no listener has a condition. */
  private readonly payloadTypes: (Function | undefined)[];
  private readonly manual: boolean;
  private readonly commitPerRecord: boolean;
  private readonly observer: ListenerObserver;

  constructor(
    readonly definition: ConsumerDefinition,
    private readonly deps: ListenerContainerDeps,
  ) {
    const bindingPolicy = retryPolicy(definition.consumer, definition.name, deps.retryable);
    this.policy = definition.retryTopics ? { ...bindingPolicy, maxAttempts: 1 } : bindingPolicy;
    const destination = definition.destination;
    this.routes = definition.retryTopics && new RetryTopicRoutes(definition.retryTopics, typeof destination === 'string' ? [destination] : (destination as string[]));
    this.recovery = new Recovery(definition, bindingPolicy, deps.errorHandler, this.routes);
    this.holds = new DueTimeHolds(deps.clock, () => this.pausedByApplication || this.stopping);
    this.interceptors = new RecordInterceptors([...(deps.recordInterceptors ?? []), ...(definition.interceptors ?? [])], definition.name);
    this.anyFilter = definition.listeners.some((l) => l.filter !== undefined);
    this.forwarder = new Forwarder(deps.binder, deps.producers, deps.clock, definition.consumer.partitionCount, () => this.retryTopicsReady);
    this.observer = deps.observe?.(definition) ?? NO_LISTENER_OBSERVER;
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
      retried: (record) => this.observer.retried(record),
      attemptFailed: (delivery, error, policyRetries) => this.attemptFailed(delivery, error, policyRetries),
    });
    if (definition.consumer.idempotent) {
      this.idempotency = new IdempotencyGuard(definition, deps.idempotencyStore, this.policy, deps.logger, deps.idempotencyKey);
    }
  }

  get name(): string {
    return this.definition.name;
  }

  async start(): Promise<void> {
    const c = this.definition.consumer;
    const options = this.observer.consumerOptions(consumerOptions(this.definition, (partitions, session) => this.commitPending(session, partitions)));
    this.binding = await this.deps.binder.bindConsumer(this.definition.destination, options, (batch, session) => this.onBatch(batch, session, this.binding));
    if (this.routes) await this.startRetryConsumer(this.routes, options);
    if (!c.autoStartup) this.pause();
    this.watch.start();
  }

  /**
   * Creates the retry and dead-letter topics with the main topic's partition count (a forwarded
   * record keeps its partition) and binds one consumer, in its own group, to the retry topics.
   */
  private async startRetryConsumer(routes: RetryTopicRoutes, options: ConsumerOptions): Promise<void> {
    const binder = this.deps.binder;
    this.retryTopicsReady = (async () => {
      const counts = new Map<string, number>();
      for (const main of routes.mainTopics()) {
        const partitions = (await binder.partitionCount?.(main)) ?? this.definition.consumer.partitionCount ?? 1;
        for (const topic of [...routes.retryTopicsOf(main), routes.deadLetterTopic(main)]) {
          await binder.provisionTopic(topic, partitions);
          counts.set(topic, partitions);
        }
      }
      return counts;
    })();
    await this.retryTopicsReady;
    const group = `${this.definition.group ?? this.definition.name}-retry`;
    const retryOptions: ConsumerOptions = { ...options, group, startOffset: 'earliest', partitionCount: undefined };
    this.retryBinding = await binder.bindConsumer(routes.allRetryTopics(), retryOptions, (batch, session) => this.onBatch(batch, session, this.retryBinding));
    this.holds.attach(this.retryBinding);
  }

  /** Partitions whose handler runs past the session timeout, and the warnings about them. */
  handlerHealth(): { stuckPartitions: StuckPartition[]; warnings: string[] } {
    return { stuckPartitions: this.watch.stuck(), warnings: this.watch.warnings() };
  }

  /** The idempotency store's reachability, when the listener is idempotent and the store reports it. */
  idempotencyStoreHealth(): IdempotencyStoreHealth | undefined {
    return this.idempotency?.store.health?.();
  }

  pause = (): void => {
    this.pausedByApplication = true;
    this.binding?.pause();
    this.retryBinding?.pause();
  };

  resume = (): void => {
    this.pausedByApplication = false;
    this.binding?.resume();
    if (!this.holds.holding()) this.retryBinding?.resume();
  };

  isPaused = (): boolean => this.binding?.isPaused() ?? false;

  /** Stops fetching, cuts backoff short, waits for the handler in flight (up to `timeoutMs`), leaves the group. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping || !this.binding) return;
    this.stopping = true;
    this.abort.abort();
    this.watch.stop();
    this.holds.close();
    // The binding gives up on a handler still running after timeoutMs and releases what it holds.
    const stopped = Promise.all([this.binding.stop(timeoutMs), this.retryBinding?.stop(timeoutMs)]);
    if ((await withTimeout(stopped, timeoutMs)) === 'timeout') this.deps.logger.warn(`${this.name}: handlers still running after ${timeoutMs} ms at shutdown; not waiting longer`);
  }

  /** `binding`: the binding that delivered (undefined while it is being bound). */
  private async onBatch(batch: InboundBatch, session: ConsumerSession, binding: ConsumerBinding | undefined): Promise<void> {
    if (batch.records.length === 0) return;
    if (this.stopping || binding?.isPaused()) {
      // Delivered despite stop/pause: hand it back untouched.
      session.seek({ topic: batch.topic, partition: batch.partition, offset: batch.records[0].offset });
      return;
    }
    this.observer.received(batch);
    if (this.definition.consumer.batchMode) await this.deliverBatch(batch, session);
    else await this.deliverRecords(batch, session);
  }

  /** Batch listeners: the batch at once, committed at its end. */
  private async deliverBatch(batch: InboundBatch, session: ConsumerSession): Promise<void> {
    const activity = this.watch.activity(batch.topic, batch.partition);
    activity.begin(batch.records[0]);
    try {
      const started = this.observer.now();
      await this.processBatch(batch, session);
      this.observer.timed(batch.records[0], started);
    } finally {
      activity.record = undefined;
      await this.commitPending(session, [{ topic: batch.topic, partition: batch.partition }]);
    }
  }

  /** Record listeners: each record in offset order until one asks to be delivered again. */
  private async deliverRecords(batch: InboundBatch, session: ConsumerSession): Promise<void> {
    const activity = this.watch.activity(batch.topic, batch.partition);
    // The first record not yet done: where a failure (a store or commit error) delivers again from.
    let resumeAt = batch.records[0].offset;
    let sought = false;
    let current: InboundRecord | undefined;
    try {
      for (const record of batch.records) {
        current = record;
        activity.begin(record);
        if (this.stopping || !session.isActive(record.topic, record.partition)) {
          session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
          sought = true;
          break;
        }
        const started = this.observer.now();
        const processing = this.processRecord(record, session);
        const outcome = isThenable(processing) ? await processing : processing;
        this.observer.timed(record, started);
        if (outcome === 'stop') {
          sought = true;
          break;
        }
        resumeAt = record.offset + 1;
      }
    } catch (error) {
      // Records before this one are done (and committed, per record): only this one comes back,
      // unless it was done too and only its commit failed (the commit goes out with the next one).
      const done = current !== undefined && this.offsets.pendingOffset(current.topic, current.partition) === current.offset + 1;
      session.seek({ topic: batch.topic, partition: batch.partition, offset: done ? resumeAt + 1 : resumeAt });
      sought = true;
      throw error;
    } finally {
      activity.record = undefined;
      try {
        await this.commitPending(session, [{ topic: batch.topic, partition: batch.partition }]);
      } catch (commitError) {
        if (!sought) session.seek({ topic: batch.topic, partition: batch.partition, offset: resumeAt });
        throw commitError;
      }
    }
  }

  /** Synchronous when the listeners are and nothing needs waiting for (claims, per-record commits). */
  private processRecord(record: InboundRecord, session: ConsumerSession): MaybeAsync<Outcome> {
    if (this.routes && this.routes.isRetryTopic(record.topic) && this.heldUntilDue(record, session)) return 'stop';
    let delivered = record;
    if (this.interceptors.any) {
      const intercepted = this.interceptors.before(record);
      if (intercepted === null) return this.filtered(record, session);
      delivered = intercepted;
    }
    let listeners = this.definition.listeners;
    if (this.anyFilter) {
      listeners = listeners.filter((l) => l.filter === undefined || l.filter(delivered));
      if (listeners.length === 0) return this.filtered(record, session);
    }
    const decoded = new DecodedRecord(delivered, this.definition.contentType, this.deps.converters);
    try {
      if (this.anyCondition) {
        listeners = matchingListeners(listeners, decoded);
        for (const l of listeners) for (const p of l.parameters) if (p.kind === 'payload') decoded.payload(p.targetType);
      } else {
        for (const type of this.payloadTypes) decoded.payload(type);
      }
    } catch (error) {
      // Bytes that cannot be read will not improve with retries.
      const failure = error instanceof MessageConversionError ? error : new MessageConversionError(decoded.contentType, message(error));
      return this.recover([record], failure, 1, session);
    }
    if (listeners.length === 0) {
      this.deps.logger.warn(`${this.name}: no listener condition matches ${where(record)}; skipped`);
      this.observer.processed(record, 'filtered');
      return this.completed(record, session);
    }
    if (this.idempotency || this.anyAck) return this.processWithClaimOrAck(record, decoded, listeners, session);
    const result = this.invoker.invoke(new Delivery(listeners, decoded, undefined, session, [record], this.routes && previousAttempts(record)));
    return isThenable(result) ? result.then((r) => this.settled(record, r, session)) : this.settled(record, result, session);
  }

  /** After the invocation of a listener that takes no Acknowledgment and is not idempotent. */
  private settled(record: InboundRecord, result: InvokeResult, session: ConsumerSession): MaybeAsync<Outcome> {
    if (result.ok) {
      if (this.interceptors.any) this.interceptors.success(record);
      this.observer.processed(record, 'success');
      return this.manual ? 'done' : this.completed(record, session);
    }
    if (result.aborted) {
      session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
      return 'stop';
    }
    return this.recover([record], result.error, result.attempts, session, false, result.decision);
  }

  /** A record an interceptor or the listener's filter left out: acknowledged and counted, never handled. */
  private filtered(record: InboundRecord, session: ConsumerSession): MaybeAsync<Outcome> {
    this.observer.processed(record, 'filtered');
    return this.completed(record, session);
  }

  /** A retry topic's record not due yet: handed back, its partition held until it is. */
  private heldUntilDue(record: InboundRecord, session: ConsumerSession): boolean {
    const due = dueTime(record);
    if (due === undefined || due <= this.deps.clock.now()) return false;
    session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
    this.holds.hold(record.topic, record.partition, due);
    return true;
  }

  /** An attempt failed: interceptors see it, the error handler may decide instead of the retry settings. */
  private attemptFailed(delivery: Delivery, error: unknown, policyRetries: boolean): boolean {
    if (this.interceptors.any) this.interceptors.failure(delivery.first, error);
    // The batch listener named the record: it is retried by delivering the batch again from it.
    if (error instanceof BatchListenerFailedError) return false;
    if (!this.deps.errorHandler) return policyRetries;
    const exhausted = this.routes ? !this.recovery.retriesLeft(error, delivery.attempt) : !policyRetries;
    const decided = this.recovery.consult(delivery.first, error, delivery.attempt, exhausted);
    if (decided === undefined) return policyRetries;
    if (decided === 'retry' && !this.routes) return true;
    delivery.decision = decided;
    return false;
  }

  private async processWithClaimOrAck(
    record: InboundRecord, decoded: DecodedRecord, listeners: ListenerMethod[], session: ConsumerSession,
  ): Promise<Outcome> {
    const guard = this.idempotency;
    let key: string | undefined;
    if (guard) {
      const owned = () => !this.stopping && session.isActive(record.topic, record.partition);
      const claim = await guard.claim(record, owned, (ms) => this.sleepWithHeartbeat(ms, session));
      if (claim.kind === 'handBack') {
        session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
        return 'stop';
      }
      if (claim.kind === 'duplicate') {
        this.deps.logger.info(`${this.name}: ${where(record)} was already processed (${claim.key}); skipped`);
        this.observer.processed(record, 'skipped');
        return this.completed(record, session);
      }
      key = claim.key;
    }
    const ack = this.anyAck ? new ListenerAcknowledgment(() => this.acknowledged(record, session)) : undefined;
    const stopRenewing = guard && key !== undefined ? guard.keepAlive([key]) : undefined;
    let result: InvokeResult;
    try {
      result = await this.invoker.invoke(new Delivery(listeners, decoded, ack, session, [record], this.routes && previousAttempts(record)));
    } finally {
      stopRenewing?.();
    }
    if (result.ok && ack?.nackSleepMs !== undefined) {
      // nack: the listener asks for the record again, so its key must stay claimable.
      if (guard && key !== undefined) await guard.release(key);
      return this.nacked(record, ack.nackSleepMs, session);
    }
    if (result.ok) {
      if (this.interceptors.any) this.interceptors.success(record);
      this.observer.processed(record, 'success');
      if (guard && key !== undefined) await guard.markDone(key);
      return this.manual ? 'done' : this.completed(record, session);
    }
    if (guard && key !== undefined) await guard.release(key);
    if (result.aborted) {
      session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
      return 'stop';
    }
    return this.recover([record], result.error, result.attempts, session, false, result.decision);
  }

  /**
   * Batch listeners: one invocation for the readable records; unreadable ones are dead-lettered
   * (or skipped) on their own. Offsets are only marked here and committed once at the end of the
   * batch; any path that hands records back discards the marks, so nothing unprocessed is committed.
   */
  private async processBatch(batch: InboundBatch, session: ConsumerSession): Promise<void> {
    const tp = [{ topic: batch.topic, partition: batch.partition }];
    const handBack = (offset: number): void => {
      this.offsets.take(tp);
      session.seek({ topic: batch.topic, partition: batch.partition, offset });
    };
    const last = batch.records[batch.records.length - 1];
    let readable: DecodedRecord[] = [];
    let filtered = 0;
    for (const record of batch.records) {
      const delivered = this.interceptors.any ? this.interceptors.before(record) : record;
      if (delivered === null || (this.anyFilter && !this.definition.listeners.some((l) => l.filter === undefined || l.filter(delivered)))) {
        filtered++;
        continue;
      }
      const decoded = new DecodedRecord(delivered, this.definition.contentType, this.deps.converters);
      try {
        decoded.payload();
        readable.push(decoded);
      } catch (error) {
        if ((await this.recover([record], error, 1, session, true)) === 'stop') return handBack(batch.records[0].offset);
      }
    }
    if (filtered > 0) this.observer.processed(last, 'filtered', filtered);
    let keys: string[] = [];
    if (this.idempotency && readable.length > 0) {
      const owned = () => !this.stopping && session.isActive(batch.topic, batch.partition);
      const claimed = await this.idempotency.claimAll(readable, owned, (ms) => this.sleepWithHeartbeat(ms, session));
      if (!claimed) return handBack(batch.records[0].offset);
      if (claimed.kept.length < readable.length) this.observer.processed(last, 'skipped', readable.length - claimed.kept.length);
      // Every record already processed: skipped, and committed whatever the ack mode.
      if (claimed.kept.length === 0) return this.offsets.mark(last);
      ({ kept: readable, keys } = claimed);
    }
    // Nothing to hand the listener (filtered, or dead-lettered): done up to the end of the batch.
    if (readable.length === 0) return this.offsets.mark(last);
    const ack = new ListenerAcknowledgment(() => this.acknowledged(last, session));
    const records = readable.map((d) => d.record);
    const stopRenewing = this.idempotency?.keepAlive(keys);
    let result: InvokeResult;
    try {
      const previous = this.batchFailures.attemptsOf(records[0]);
      result = await this.invoker.invoke(new Delivery(this.definition.listeners, readable, ack, session, records, previous));
    } finally {
      stopRenewing?.();
    }
    await this.idempotency?.settleAll(keys, result.ok && ack.nackSleepMs === undefined);
    if (result.ok && ack.nackSleepMs !== undefined) {
      this.offsets.take(tp);
      await this.nacked(batch.records[0], ack.nackSleepMs, session);
      return;
    }
    if (result.ok) {
      this.batchFailures.settled(records[0]);
      if (this.interceptors.any) for (const r of records) this.interceptors.success(r);
      this.observer.processed(last, 'success', records.length);
      if (!this.manual) this.offsets.mark(last);
      return;
    }
    if (result.aborted) return handBack(batch.records[0].offset);
    if (result.error instanceof BatchListenerFailedError) {
      const index = batchFailureIndex(result.error.indexOrRecord, readable);
      if (index >= 0) return this.batchRecordFailed(readable, index, result.error.cause, session);
    }
    if ((await this.recover(records, result.error, result.attempts, session, true, result.decision)) === 'stop') handBack(batch.records[0].offset);
  }

  /**
   * A batch listener named the record that failed: the records before it are done, that one is
   * retried (the batch is delivered again from it) or recovered on its own, the rest come again.
   */
  private async batchRecordFailed(readable: DecodedRecord[], index: number, error: unknown, session: ConsumerSession): Promise<void> {
    const failed = readable[index].record;
    if (index > 0) {
      this.offsets.mark(readable[index - 1].record);
      this.observer.processed(readable[0].record, 'success', index);
    }
    const attempts = this.batchFailures.failed(failed);
    const exhausted = !this.recovery.retriesLeft(error, attempts);
    const decided = this.recovery.consult(failed, error, attempts, exhausted);
    const redeliver = (offset: number) => session.seek({ topic: failed.topic, partition: failed.partition, offset });
    if (decided === 'retry' || (decided === undefined && !exhausted)) {
      const delay = this.policy.backoffMs(attempts);
      this.observer.retried(failed);
      this.deps.logger.warn(`${this.name}: batch listener failed on ${where(failed)} (attempt ${attempts}: ${message(error)}); delivering again from it in ${delay} ms`);
      await this.sleepWithHeartbeat(delay, session);
      return redeliver(failed.offset);
    }
    this.batchFailures.settled(failed);
    const outcome = await this.recover([failed], error, attempts, session, true, decided);
    // 'stop' already handed the failed record back; the records before it stay done.
    if (outcome === 'done') redeliver(failed.offset + 1);
  }

  /**
   * Not retried in place (attempts exhausted, not retryable, or the error handler chose): forward
   * to the next retry topic, dead-letter, skip, or stop, as Recovery resolves it.
   */
  private async recover(
    records: InboundRecord[], error: unknown, attempts: number, session: ConsumerSession, deferCommit = false, decided?: ErrorAction,
  ): Promise<Outcome> {
    const first = records[0];
    const resolution = this.recovery.resolve(first, error, attempts, decided);
    if (resolution.kind === 'stop') return this.stopAt(first, error, session);
    if (resolution.kind === 'skip') {
      this.logSkip(resolution.reason, first, attempts, error);
      this.observer.processed(first, resolution.reason === 'dlqOff' ? 'failure' : 'skipped', records.length);
      return this.completed(records[records.length - 1], session, deferCommit);
    }
    try {
      if (resolution.kind === 'retryTopic') await this.forwarder.toRetryTopic(resolution.topic, records, error, attempts, resolution.delayMs);
      else await this.forwarder.toDeadLetter(resolution.topic, records, error, attempts);
    } catch (publishError) {
      // Not committed: the record is redelivered and tried again rather than lost.
      this.deps.logger.error(`${this.name}: could not publish ${where(first)} to ${resolution.topic}; it will be redelivered`, publishError);
      this.observer.deadLetterFailed(first);
      session.seek({ topic: first.topic, partition: first.partition, offset: first.offset });
      await this.sleepWithHeartbeat(this.definition.consumer.backOffInitialInterval, session);
      return 'stop';
    }
    if (resolution.kind === 'retryTopic') {
      this.deps.logger.warn(`${this.name}: attempt ${attempts} on ${where(first)} failed (${message(error)}); retrying through ${resolution.topic} in ${resolution.delayMs} ms`);
      this.observer.retried(first);
    } else {
      this.deps.logger.warn(`${this.name}: ${where(first)} sent to ${resolution.topic} after ${attempts} attempt(s): ${message(error)}`);
      this.observer.deadLetterSent(first, records.length);
      this.observer.processed(first, 'dead_lettered', records.length);
    }
    return this.completed(records[records.length - 1], session, deferCommit);
  }

  private logSkip(reason: Extract<Resolution, { kind: 'skip' }>['reason'], record: InboundRecord, attempts: number, error: unknown): void {
    if (reason === 'dlqOff') this.deps.logger.error(`${this.name}: giving up on ${where(record)} after ${attempts} attempt(s); skipped (enableDlq is off)`, error);
    else if (reason === 'recovered') this.deps.logger.info(`${this.name}: ${where(record)} recovered by the listener's recoverer after ${attempts} attempt(s)`);
    else this.deps.logger.warn(`${this.name}: ${where(record)} skipped by the error handler after ${attempts} attempt(s): ${message(error)}`);
  }

  /** The error handler or recoverer stopped the listener: the record is not committed, the next start delivers it again. */
  private stopAt(record: InboundRecord, error: unknown, session: ConsumerSession): Outcome {
    this.deps.logger.error(`${this.name}: stopped at ${where(record)} by the error handler; it is delivered again when the listener starts`, error);
    session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
    // Not awaited: stopping waits for the handler in flight, which is this one.
    this.stop(DEFAULT_SHUTDOWN_TIMEOUT_MS).catch((e) => this.deps.logger.error(`${this.name}: stopping failed`, e));
    return 'stop';
  }

  /** The record is finished: commit now (record, manual_immediate) or with the batch (batch, manual). */
  private completed(record: InboundRecord, session: ConsumerSession, deferCommit = false): MaybeAsync<Outcome> {
    this.offsets.mark(record);
    if (!deferCommit && this.commitPerRecord) return this.commitPending(session, [record]).then(() => 'done');
    return 'done';
  }

  private acknowledged(record: InboundRecord, session: ConsumerSession): void {
    this.offsets.mark(record);
    if (this.definition.consumer.ackMode === 'manual_immediate') {
      this.commitPending(session, [record]).catch((e) => this.deps.logger.error(`${this.name}: commit failed`, e));
    }
  }

  private async nacked(record: InboundRecord, sleepMs: number, session: ConsumerSession): Promise<Outcome> {
    session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
    await this.commitPending(session, [record]);
    await this.sleepWithHeartbeat(sleepMs, session);
    return 'stop';
  }

  private async commitPending(session: ConsumerSession, partitions: TopicPartition[]): Promise<void> {
    const offsets = this.offsets.take(partitions);
    if (offsets.length === 0) return;
    const started = this.observer.now();
    try {
      await session.commit(offsets);
      this.observer.committed(offsets, started);
    } catch (error) {
      // Still done: the next commit of these partitions carries the offsets.
      this.offsets.restore(offsets);
      throw error;
    }
  }

  private sleepWithHeartbeat(ms: number, session: ConsumerSession): Promise<void> {
    const c = this.definition.consumer;
    return sleepWithHeartbeat(ms, session, c.heartbeatIntervalMs, this.deps.clock, this.abort.signal, (e) =>
      this.deps.logger.warn(`${this.name}: heartbeat during backoff failed (${message(e)})`),
    );
  }
}
