/**
 * Runs the listeners of one consumer binding. Per partition, in offset order, each record goes
 * through: deserialize → idempotency claim → invoke with retry and backoff → @SendTo forward →
 * ack/commit → dead-letter topic when attempts are exhausted. The container is the only retry
 * owner; the binder only delivers, commits and seeks.
 */
import type { BatchHandler, Binder, ConsumerBinding, ConsumerSession, InboundBatch, InboundRecord, TopicPartition } from '../../binder/Binder';
import type { Clock } from '../clock';
import type { ConverterRegistry } from '../conversion';
import { DEFAULT_SESSION_TIMEOUT_MS } from '../config/types';
import { MessageConversionError } from '../errors';
import type { IdempotencyStoreHealth } from '../idempotency';
import type { Logger } from '../logger';
import type { ConsumerDefinition, ListenerMethod } from '../model';
import type { Producers } from '../producers';
import { retryPolicy, type RetryPolicy, type RetryablePredicate } from '../retry';
import { ListenerAcknowledgment } from './context';
import { ListenerInvoker, type InvokeResult } from './attempts';
import { DecodedRecord, isThenable, matchingListeners } from './invoke';
import { consumerOptions } from './consumerOptions';
import { OffsetTracker } from './offsets';
import { dlqRecord, dlqTopicName } from './dlq';
import { errorMessage as message, where } from './describe';
import { sleepWithHeartbeat, withTimeout } from './timing';
import { HandlerWatch, type StuckPartition } from './handlerWatch';
import { IdempotencyGuard, type IdempotencyKeyFn, type IdempotencyStoreChoice } from './idempotencyGuard';
import { NO_LISTENER_OBSERVER, type ListenerObserver } from '../observability/observers';
import { transactionalHandler } from '../transactions/transactionalListener';

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
}

/** What became of one record: done (commit past it) or stop (redeliver from it, commit nothing after). */
type Outcome = 'done' | 'stop';

export class ListenerContainer {
  private binding: ConsumerBinding | undefined;
  private readonly policy: RetryPolicy;
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
    this.policy = retryPolicy(definition.consumer, definition.name, deps.retryable);
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
      retried: (record) => {
        // A transactional listener's failed attempt leaves nothing behind: what it sent is aborted.
        deps.producers.transactions.current()?.rollbackAttempt();
        this.observer.retried(record);
      },
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
    this.binding = await this.deps.binder.bindConsumer(
      this.definition.destination,
      this.observer.consumerOptions(consumerOptions(this.definition, (partitions, session) => this.commitPending(session, partitions))),
      this.handler(),
    );
    if (!c.autoStartup) this.binding.pause();
    this.watch.start();
  }

  /** What the binder calls with each batch: onBatch, inside a transaction per record or batch when the binding is transactional. */
  private handler(): BatchHandler {
    const handler: BatchHandler = (batch, session) => this.onBatch(batch, session);
    return this.definition.consumer.transactional ? transactionalHandler(this.definition, this.deps.producers, this.deps.binder, handler) : handler;
  }

  /** Partitions whose handler runs past the session timeout, and the warnings about them. */
  handlerHealth(): { stuckPartitions: StuckPartition[]; warnings: string[] } {
    return { stuckPartitions: this.watch.stuck(), warnings: this.watch.warnings() };
  }

  /** The idempotency store's reachability, when the listener is idempotent and the store reports it. */
  idempotencyStoreHealth(): IdempotencyStoreHealth | undefined {
    return this.idempotency?.store.health?.();
  }

  pause = (): void => this.binding?.pause();
  resume = (): void => this.binding?.resume();
  isPaused = (): boolean => this.binding?.isPaused() ?? false;

  /** Stops fetching, cuts backoff short, waits for the handler in flight (up to `timeoutMs`), leaves the group. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping || !this.binding) return;
    this.stopping = true;
    this.abort.abort();
    this.watch.stop();
    // The binding gives up on a handler still running after timeoutMs and releases what it holds.
    if ((await withTimeout(this.binding.stop(timeoutMs), timeoutMs)) === 'timeout') this.deps.logger.warn(`${this.name}: handlers still running after ${timeoutMs} ms at shutdown; not waiting longer`);
  }

  private async onBatch(batch: InboundBatch, session: ConsumerSession): Promise<void> {
    if (batch.records.length === 0) return;
    if (this.stopping || this.binding?.isPaused()) {
      // Delivered despite stop/pause: hand it back untouched.
      session.seek({ topic: batch.topic, partition: batch.partition, offset: batch.records[0].offset });
      return;
    }
    this.observer.received(batch);
    const activity = this.watch.activity(batch.topic, batch.partition);
    if (this.definition.consumer.batchMode) {
      activity.begin(batch.records[0]);
      try {
        const started = this.observer.now();
        await this.processBatch(batch, session);
        this.observer.timed(batch.records[0], started);
      } finally {
        activity.record = undefined;
        await this.commitPending(session, [{ topic: batch.topic, partition: batch.partition }]);
      }
      return;
    }
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
        let outcome = this.processRecord(record, session);
        if (typeof outcome !== 'string') outcome = await outcome;
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
  private processRecord(record: InboundRecord, session: ConsumerSession): Outcome | Promise<Outcome> {
    const decoded = new DecodedRecord(record, this.definition.contentType, this.deps.converters);
    let listeners = this.definition.listeners;
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
    const result = this.invoker.invokeWithRetry(listeners, decoded, undefined, session, [record]);
    return isThenable(result) ? result.then((r) => this.settled(record, r, session)) : this.settled(record, result, session);
  }

  /** After the invocation of a listener that takes no Acknowledgment and is not idempotent. */
  private settled(record: InboundRecord, result: InvokeResult, session: ConsumerSession): Outcome | Promise<Outcome> {
    if (result.ok) this.observer.processed(record, 'success');
    if (result.ok) return this.manual ? 'done' : this.completed(record, session);
    if (result.aborted) {
      session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
      return 'stop';
    }
    return this.recover([record], result.error, result.attempts, session);
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
      result = await this.invoker.invokeWithRetry(listeners, decoded, ack, session, [record]);
    } finally {
      stopRenewing?.();
    }
    if (result.ok && ack?.nackSleepMs !== undefined) {
      // nack: the listener asks for the record again, so its key must stay claimable.
      if (guard && key !== undefined) await guard.release(key);
      return this.nacked(record, ack.nackSleepMs, session);
    }
    if (result.ok) {
      this.observer.processed(record, 'success');
      if (guard && key !== undefined) await guard.markDone(key);
      return this.manual ? 'done' : this.completed(record, session);
    }
    if (guard && key !== undefined) await guard.release(key);
    if (result.aborted) {
      session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
      return 'stop';
    }
    return this.recover([record], result.error, result.attempts, session);
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
    let readable: DecodedRecord[] = [];
    for (const record of batch.records) {
      const decoded = new DecodedRecord(record, this.definition.contentType, this.deps.converters);
      try {
        decoded.payload();
        readable.push(decoded);
      } catch (error) {
        if ((await this.recover([record], error, 1, session, true)) === 'stop') return handBack(batch.records[0].offset);
      }
    }
    const last = batch.records[batch.records.length - 1];
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
    if (readable.length === 0) return;
    const ack = new ListenerAcknowledgment(() => this.acknowledged(last, session));
    const records = readable.map((d) => d.record);
    const stopRenewing = this.idempotency?.keepAlive(keys);
    let result: InvokeResult;
    try {
      result = await this.invoker.invokeWithRetry(this.definition.listeners, readable, ack, session, records);
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
      this.observer.processed(last, 'success', records.length);
      if (!this.manual) this.offsets.mark(last);
      return;
    }
    if (result.aborted) return handBack(batch.records[0].offset);
    if ((await this.recover(records, result.error, result.attempts, session, true)) === 'stop') handBack(batch.records[0].offset);
  }

  /** Attempts exhausted or not retryable: dead-letter (or log and skip), then the record counts as done. */
  private async recover(records: InboundRecord[], error: unknown, attempts: number, session: ConsumerSession, deferCommit = false): Promise<Outcome> {
    const c = this.definition.consumer;
    // In a transactional listener, what the last attempt sent is aborted; the DLQ publish and the
    // offset commit go in a fresh transaction.
    this.deps.producers.transactions.current()?.rollbackAttempt();
    if (!c.enableDlq) {
      this.deps.logger.error(`${this.name}: giving up on ${where(records[0])} after ${attempts} attempt(s); skipped (enableDlq is off)`, error);
      this.observer.processed(records[0], 'failure', records.length);
      return this.completed(records[records.length - 1], session, deferCommit);
    }
    const topic = dlqTopicName(records[0].topic, this.definition.group, c.dlqName);
    try {
      await this.deps.binder.provisionTopic(topic, Math.max(records[0].partition + 1, c.partitionCount ?? 1));
      for (const record of records) await this.deps.producers.sendRaw(topic, dlqRecord(record, error, attempts));
    } catch (publishError) {
      // Not committed: the record is redelivered and tried again rather than lost.
      this.deps.logger.error(`${this.name}: could not publish ${where(records[0])} to ${topic}; it will be redelivered`, publishError);
      this.observer.deadLetterFailed(records[0]);
      session.seek({ topic: records[0].topic, partition: records[0].partition, offset: records[0].offset });
      await this.sleepWithHeartbeat(c.backOffInitialInterval, session);
      return 'stop';
    }
    this.deps.logger.warn(`${this.name}: ${where(records[0])} sent to ${topic} after ${attempts} attempt(s): ${message(error)}`);
    this.observer.deadLetterSent(records[0], records.length);
    this.observer.processed(records[0], 'dead_lettered', records.length);
    return this.completed(records[records.length - 1], session, deferCommit);
  }

  /** The record is finished: commit now (record, manual_immediate) or with the batch (batch, manual). */
  private completed(record: InboundRecord, session: ConsumerSession, deferCommit = false): Outcome | Promise<Outcome> {
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
