/**
 * Runs the listeners of one consumer binding. Per partition, in offset order, each record goes
 * through: deserialize → idempotency claim → invoke with retry and backoff → @SendTo forward →
 * ack/commit → dead-letter topic when attempts are exhausted. The container is the only retry
 * owner; the binder only delivers, commits and seeks.
 */
import { BatchListenerFailedError } from '../../annotations';
import type { BatchHandler, ConsumerBinding, ConsumerSession, InboundBatch, InboundRecord } from '../../binder/Binder';
import type { IdempotencyStoreHealth } from '../idempotency';
import type { ListenerMethod } from '../model';
import { Delivery, type InvokeResult } from './attempts';
import { batchFailureIndex } from './batchFailures';
import { consumerOptions } from './consumerOptions';
import { ListenerAcknowledgment } from './context';
import { errorMessage as message, where } from './describe';
import type { StuckPartition } from './handlerWatch';
import { DecodedRecord, isThenable, matchingListeners } from './invoke';
import { ListenerCore, type MaybeAsync, type Outcome } from './listenerCore';
import { MessageConversionError } from '../errors';
import { previousAttempts } from './retryTopics';
import { withListenerCallbacks } from './listenerCallbacks';
import { HeldPartitions, seekListener, type ListenerSeekTarget } from './seeks';
import { withTimeout } from './timing';
import { transactionalHandler } from '../transactions/transactionalListener';

export type { ListenerContainerDeps } from './listenerCore';

export class ListenerContainer extends ListenerCore {
  private binding: ConsumerBinding | undefined;
  private readonly held = new HeldPartitions();

  async start(): Promise<void> {
    const c = this.definition.consumer;
    // A transactional listener's offsets commit only in its transactions: pending ones at a revoke
    // belong to a transaction that is still open or aborted, and committing them would skip records.
    const base = consumerOptions(this.definition, (partitions, session) => (c.transactional ? Promise.resolve() : this.commitPending(session, partitions)));
    // The user's callbacks and app.seek concern the listener's own topics, not its retry topics.
    // The observers see each binding's options last: tracing knows a binding by its options object.
    const options = this.observer.consumerOptions(this.held.track(withListenerCallbacks(base, this.definition, this.deps.instanceOf, this.deps.logger)));
    this.binding = await this.deps.binder.bindConsumer(this.definition.destination, options, this.handler());
    await this.retryTopics?.start(this.observer.consumerOptions(base), (batch, session, binding) => this.onBatch(batch, session, binding));
    if (!c.autoStartup) this.pause();
    this.watch.start();
  }

  /** What the binder calls with each batch: onBatch, inside a transaction per record or batch when the binding is transactional. */
  private handler(): BatchHandler {
    const handler: BatchHandler = (batch, session) => this.onBatch(batch, session, this.binding);
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

  pause = (): void => {
    this.binding?.pause();
    this.retryTopics?.pause();
  };

  resume = (): void => {
    this.binding?.resume();
    this.retryTopics?.resume();
  };

  isPaused = (): boolean => this.binding?.isPaused() ?? false;

  /** Moves the partitions the listener holds (app.seek); its retry topics keep their positions. */
  seek(target: ListenerSeekTarget): Promise<void> {
    if (!this.binding) return Promise.resolve();
    const d = this.definition.destination;
    const topics = typeof d === 'string' ? [d] : Array.isArray(d) ? d : undefined;
    return seekListener(this.name, this.binding, this.held, topics, target);
  }

  /** Stops fetching, cuts backoff short, waits for the handler in flight (up to `timeoutMs`), leaves the group. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping || !this.binding) return;
    this.stopping = true;
    this.abort.abort();
    this.watch.stop();
    // The binding gives up on a handler still running after timeoutMs and releases what it holds.
    const stopped = Promise.all([this.binding.stop(timeoutMs), this.retryTopics?.stop(timeoutMs)]);
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
      const done = current !== undefined && this.offsetsOf(session).pendingOffset(current.topic, current.partition) === current.offset + 1;
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
    if (this.retryTopics?.holdUntilDue(record, session)) return 'stop';
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
    const decoded = new DecodedRecord(delivered, this.definition.contentType, this.deps.converters, session);
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
    const result = this.invoker.invoke(new Delivery(listeners, decoded, undefined, session, [record], this.retryTopics && previousAttempts(record)));
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
      result = await this.invoker.invoke(new Delivery(listeners, decoded, ack, session, [record], this.retryTopics && previousAttempts(record)));
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
      this.offsetsOf(session).take(tp);
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
      const decoded = new DecodedRecord(delivered, this.definition.contentType, this.deps.converters, session);
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
      if (claimed.kept.length === 0) return this.offsetsOf(session).mark(last);
      ({ kept: readable, keys } = claimed);
    }
    // Nothing to hand the listener (filtered, or dead-lettered): done up to the end of the batch.
    if (readable.length === 0) return this.offsetsOf(session).mark(last);
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
      this.offsetsOf(session).take(tp);
      await this.nacked(batch.records[0], ack.nackSleepMs, session);
      return;
    }
    if (result.ok) {
      this.batchFailures.settled(records[0]);
      if (this.interceptors.any) for (const r of records) this.interceptors.success(r);
      this.observer.processed(last, 'success', records.length);
      if (!this.manual) this.offsetsOf(session).mark(last);
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
      this.offsetsOf(session).mark(readable[index - 1].record);
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

}
