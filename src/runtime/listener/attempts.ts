/**
 * The attempts of one record (or batch): the listeners in order with @SendTo forwarding, retried
 * with backoff while the policy allows, each attempt bounded by handlerTimeoutMs when set.
 */
import type { ConsumerSession, InboundRecord } from '../../binder/Binder';
import { HandlerTimeoutError } from '../errors';
import type { Logger } from '../logger';
import type { ListenerMethod } from '../model';
import type { Producers } from '../producers';
import type { RetryPolicy } from '../retry';
import type { ListenerAcknowledgment } from './context';
import { errorMessage as message, where } from './describe';
import type { HandlerWatch } from './handlerWatch';
import { invokeListener, isThenable, type DecodedRecord } from './invoke';

export type InvokeResult = { ok: true } | { ok: false; aborted: boolean; error: unknown; attempts: number };

/** Every successful invocation returns this one object. */
const OK: InvokeResult = Object.freeze({ ok: true });

export interface InvokerDeps {
  name: string;
  policy: RetryPolicy;
  handlerTimeoutMs: number | undefined;
  instanceOf: (service: Function) => object;
  producers: Producers;
  logger: Logger;
  watch: HandlerWatch;
  isStopping(): boolean;
  sleepWithHeartbeat(ms: number, session: ConsumerSession): Promise<void>;
  /** A retry of `record` is about to wait out its backoff (metrics). */
  retried(record: InboundRecord): void;
}

export class ListenerInvoker {
  constructor(private readonly deps: InvokerDeps) {}

  /**
   * Calls the listeners in order, retrying with backoff. The first attempt stays synchronous as
   * long as the listeners return no promise and nothing is forwarded.
   */
  invokeWithRetry(
    listeners: ListenerMethod[], input: DecodedRecord | DecodedRecord[], ack: ListenerAcknowledgment | undefined, session: ConsumerSession, records: InboundRecord[],
  ): InvokeResult | Promise<InvokeResult> {
    let pending: Promise<void> | undefined;
    try {
      pending = this.invokeAll(listeners, input, ack, records, 1);
    } catch (error) {
      return this.retryAfter(error, 1, listeners, input, ack, session, records);
    }
    if (pending === undefined) return OK;
    return this.bounded(pending, records[0]).then(
      () => OK,
      (error: unknown) => this.retryAfter(error, 1, listeners, input, ack, session, records),
    );
  }

  /** Attempt `attempt` failed with `error`: back off and try again while the policy allows. */
  private async retryAfter(
    error: unknown, attempt: number,
    listeners: ListenerMethod[], input: DecodedRecord | DecodedRecord[], ack: ListenerAcknowledgment | undefined, session: ConsumerSession, records: InboundRecord[],
  ): Promise<InvokeResult> {
    for (;;) {
      const last = attempt >= this.deps.policy.maxAttempts || !this.deps.policy.isRetryable(error);
      if (last) {
        await this.replyFailure(error, input, records);
        return { ok: false, aborted: false, error, attempts: attempt };
      }
      const delay = this.deps.policy.backoffMs(attempt);
      this.deps.retried(records[0]);
      this.deps.logger.warn(`${this.deps.name}: attempt ${attempt} on ${where(records[0])} failed (${message(error)}); retrying in ${delay} ms`);
      const activity = this.deps.watch.activity(records[0].topic, records[0].partition);
      activity.record = undefined;
      await this.deps.sleepWithHeartbeat(delay, session);
      // Stopping, or the partition went to another member while backing off: leave the record to it.
      const owned = session.isActive(records[0].topic, records[0].partition);
      if (this.deps.isStopping() || !owned) return { ok: false, aborted: true, error, attempts: attempt };
      attempt++;
      activity.begin(records[0]);
      try {
        const rest = this.invokeAll(listeners, input, ack, records, attempt);
        if (rest !== undefined) await this.bounded(rest, records[0]);
        return OK;
      } catch (next) {
        error = next;
      }
    }
  }

  /**
   * One attempt: each listener in order, its return value forwarded (@SendTo) before the next
   * one runs. Returns undefined when all of it ran synchronously, else a promise of the rest.
   */
  private invokeAll(
    listeners: ListenerMethod[], input: DecodedRecord | DecodedRecord[], ack: ListenerAcknowledgment | undefined, records: InboundRecord[], attempt: number,
  ): Promise<void> | undefined {
    for (let i = 0; i < listeners.length; i++) {
      const listener = listeners[i];
      const value = invokeListener(listener, this.deps.instanceOf(listener.service), input, ack, attempt);
      if (isThenable(value) || (value !== undefined && this.routesValue(listener, input, records))) return this.finishAttempt(value, i, listeners, input, ack, records, attempt);
    }
    return undefined;
  }

  /** An attempt's promise, failing with HandlerTimeoutError when it has not settled within handlerTimeoutMs. */
  private bounded(attempt: Promise<void>, record: InboundRecord): Promise<void> {
    const ms = this.deps.handlerTimeoutMs;
    if (ms === undefined) return attempt;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HandlerTimeoutError(this.deps.name, where(record), ms)), ms);
      attempt.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** The rest of an attempt from listener `index`, whose value is `value`, on. */
  private async finishAttempt(
    value: unknown, index: number,
    listeners: ListenerMethod[], input: DecodedRecord | DecodedRecord[], ack: ListenerAcknowledgment | undefined, records: InboundRecord[], attempt: number,
  ): Promise<void> {
    for (let i = index; ; ) {
      const resolved = isThenable(value) ? await value : value;
      if (resolved !== undefined) await this.route(listeners[i], resolved, input, records);
      if (++i >= listeners.length) return;
      const listener = listeners[i];
      value = invokeListener(listener, this.deps.instanceOf(listener.service), input, ack, attempt);
    }
  }

  /** Whether a return value goes anywhere: @SendTo, or the reply topic a request names (record listeners only). */
  private routesValue(listener: ListenerMethod, input: DecodedRecord | DecodedRecord[], records: InboundRecord[]): boolean {
    return listener.sendTo !== undefined || (!Array.isArray(input) && this.deps.producers.replyTargetOf(records[0]) !== undefined);
  }

  /**
   * A return value goes to the reply topic and partition when the record is a request
   * (kafka_replyTopic), else to @SendTo.
   */
  private async route(listener: ListenerMethod, value: unknown, input: DecodedRecord | DecodedRecord[], records: InboundRecord[]): Promise<void> {
    const reply = Array.isArray(input) ? undefined : this.deps.producers.replyTargetOf(records[0]);
    if (reply) await this.deps.producers.reply(reply, records[0], value);
    else if (listener.sendTo) await this.forward(listener.sendTo.topic, value, records);
  }

  /** A request whose listener failed for good gets an error reply (its attempts end as any failure does). */
  private async replyFailure(error: unknown, input: DecodedRecord | DecodedRecord[], records: InboundRecord[]): Promise<void> {
    const reply = Array.isArray(input) ? undefined : this.deps.producers.replyTargetOf(records[0]);
    if (!reply) return;
    await this.deps.producers.replyError(reply, records[0], error).catch((e: unknown) => this.deps.logger.error({ err: e }, `${this.deps.name}: sending the error reply to ${reply.topic} failed`));
  }

  /** @SendTo: the return value goes out with the incoming key, so per-key order holds downstream. */
  private async forward(topic: string, value: unknown, records: InboundRecord[]): Promise<void> {
    const values = Array.isArray(value) && records.length > 1 ? value : [value];
    for (const v of values) await this.deps.producers.send(topic, v, { key: records.length === 1 ? records[0].key : null });
  }
}
