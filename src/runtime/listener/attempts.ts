/**
 * The attempts of one record (or batch): the listeners in order with @SendTo forwarding, retried
 * with backoff while the policy allows, each attempt bounded by handlerTimeoutMs when set.
 */
import type { ErrorAction } from '../../annotations';
import type { ConsumerSession, InboundRecord } from '../../binder/Binder';
import { HandlerTimeoutError } from '../errors';
import type { Logger } from '../logger';
import type { ListenerMethod } from '../model';
import type { Producers } from '../producers';
import type { RetryPolicy } from '../retry';
import type { ReplyTarget } from '../messaging/replyHeaders';
import type { ListenerAcknowledgment } from './context';
import { errorMessage as message, where } from './describe';
import type { HandlerWatch } from './handlerWatch';
import { invokeListener, isThenable, type DecodedRecord } from './invoke';

export type InvokeResult =
  | { ok: true }
  /** `decision`: what the error handler chose instead of a retry in place, if it chose. */
  | { ok: false; aborted: boolean; error: unknown; attempts: number; decision?: ErrorAction };

/** Every successful invocation returns this one object. */
const OK: InvokeResult = Object.freeze({ ok: true });

/**
 * One delivery of a record (or a batch) to its listeners: what they are called with, and the
 * number of the attempt that is running. Created once per record; the retries reuse it.
 */
export class Delivery {
  attempt: number;
  /** What the error handler decided instead of a retry in place. */
  decision: ErrorAction | undefined;

  constructor(
    readonly listeners: ListenerMethod[],
    readonly input: DecodedRecord | DecodedRecord[],
    readonly ack: ListenerAcknowledgment | undefined,
    readonly session: ConsumerSession,
    /** The records delivered (one, or the readable records of a batch). */
    readonly records: InboundRecord[],
    /** Attempts already made elsewhere (a redelivered batch remainder): this delivery starts after them. */
    previousAttempts = 0,
  ) {
    this.attempt = previousAttempts + 1;
  }

  /** The record that names the delivery in logs, the handler watch and metrics. */
  get first(): InboundRecord {
    return this.records[0];
  }

  failed(error: unknown, aborted = false): InvokeResult {
    return { ok: false, aborted, error, attempts: this.attempt, decision: this.decision };
  }
}

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
  /**
   * An attempt failed: whether to try again in place. `policyRetries` is the policy's answer; the
   * container may know better (an error handler's decision, a batch listener naming the record that failed).
   */
  attemptFailed(delivery: Delivery, error: unknown, policyRetries: boolean): boolean;
}

export class ListenerInvoker {
  constructor(private readonly deps: InvokerDeps) {}

  /**
   * Calls the listeners in order, retrying with backoff. The first attempt stays synchronous as
   * long as the listeners return no promise and nothing is forwarded.
   */
  invoke(delivery: Delivery): InvokeResult | Promise<InvokeResult> {
    let pending: Promise<void> | undefined;
    try {
      pending = this.attempt(delivery);
    } catch (error) {
      return this.retryAfter(error, delivery);
    }
    if (pending === undefined) return OK;
    return this.bounded(pending, delivery.first).then(
      () => OK,
      (error: unknown) => this.retryAfter(error, delivery),
    );
  }

  /** The running attempt of `delivery` failed with `error`: back off and try again while the policy allows. */
  private async retryAfter(error: unknown, delivery: Delivery): Promise<InvokeResult> {
    const { policy } = this.deps;
    const first = delivery.first;
    for (;;) {
      const policyRetries = delivery.attempt < policy.maxAttempts && policy.isRetryable(error);
      if (!this.deps.attemptFailed(delivery, error, policyRetries)) {
        await this.replyFailure(error, delivery);
        return delivery.failed(error);
      }
      const delay = policy.backoffMs(delivery.attempt);
      this.deps.retried(first);
      this.deps.logger.warn(`${this.deps.name}: attempt ${delivery.attempt} on ${where(first)} failed (${message(error)}); retrying in ${delay} ms`);
      const activity = this.deps.watch.activity(first.topic, first.partition);
      activity.record = undefined;
      await this.deps.sleepWithHeartbeat(delay, delivery.session);
      // Stopping, or the partition went to another member while backing off: leave the record to it.
      if (this.deps.isStopping() || !delivery.session.isActive(first.topic, first.partition)) return delivery.failed(error, true);
      delivery.attempt++;
      activity.begin(first);
      try {
        const rest = this.attempt(delivery);
        if (rest !== undefined) await this.bounded(rest, first);
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
  private attempt(delivery: Delivery): Promise<void> | undefined {
    const listeners = delivery.listeners;
    for (let i = 0; i < listeners.length; i++) {
      const value = this.call(listeners[i], delivery);
      if (isThenable(value) || (value !== undefined && this.routesValue(listeners[i], delivery))) return this.finishAttempt(delivery, i, value);
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
  private async finishAttempt(delivery: Delivery, index: number, value: unknown): Promise<void> {
    const listeners = delivery.listeners;
    for (let i = index; ; ) {
      const resolved = isThenable(value) ? await value : value;
      if (resolved !== undefined) await this.route(listeners[i], resolved, delivery);
      if (++i >= listeners.length) return;
      value = this.call(listeners[i], delivery);
    }
  }

  private call(listener: ListenerMethod, delivery: Delivery): unknown {
    return invokeListener(listener, this.deps.instanceOf(listener.service), delivery.input, delivery.ack, delivery.attempt);
  }

  /** Whether a return value goes anywhere: @SendTo, or the reply topic a request names (record listeners only). */
  private routesValue(listener: ListenerMethod, delivery: Delivery): boolean {
    return listener.sendTo !== undefined || this.replyTarget(delivery) !== undefined;
  }

  private replyTarget(delivery: Delivery): ReplyTarget | undefined {
    return Array.isArray(delivery.input) ? undefined : this.deps.producers.replyTargetOf(delivery.first);
  }

  /**
   * A return value goes to the reply topic and partition when the record is a request
   * (kafka_replyTopic), else to @SendTo.
   */
  private async route(listener: ListenerMethod, value: unknown, delivery: Delivery): Promise<void> {
    const reply = this.replyTarget(delivery);
    if (reply) await this.deps.producers.reply(reply, delivery.first, value);
    else if (listener.sendTo) await this.forward(listener.sendTo.topic, value, delivery.records);
  }

  /** A request whose listener failed for good gets an error reply (its attempts end as any failure does). */
  private async replyFailure(error: unknown, delivery: Delivery): Promise<void> {
    const reply = this.replyTarget(delivery);
    if (!reply) return;
    await this.deps.producers.replyError(reply, delivery.first, error).catch((e: unknown) => this.deps.logger.error({ err: e }, `${this.deps.name}: sending the error reply to ${reply.topic} failed`));
  }

  /** @SendTo: the return value goes out with the incoming key, so per-key order holds downstream. */
  private async forward(topic: string, value: unknown, records: InboundRecord[]): Promise<void> {
    const values = Array.isArray(value) && records.length > 1 ? value : [value];
    for (const v of values) await this.deps.producers.send(topic, v, { key: records.length === 1 ? records[0].key : null });
  }
}
