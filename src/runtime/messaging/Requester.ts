/**
 * Request-reply above the binder SPI, as Spring's ReplyingKafkaTemplate: a request carries
 * kafka_replyTopic, kafka_replyPartition and kafka_correlationId; the replier's listener returns a
 * value that goes back to that topic and partition with the correlation id copied.
 *
 * Each Requester reads a reply topic of its own (one per binder it sends through), created on the
 * first request under a random name and read by an anonymous group of one member: no other
 * instance shares it, so a rebalance of the replier's group or of other requester instances never
 * moves a reply away from the request waiting for it. The topic is new and only ever holds this
 * requester's replies, so it is read from the earliest offset: a reply written before the
 * consumer's first fetch is not missed.
 */
import { randomUUID } from 'node:crypto';
import type { SendOptions } from '../../annotations';
import type { Binder, ConsumerBinding, InboundBatch, InboundRecord } from '../../binder/Binder';
import type { ConverterRegistry } from '../conversion';
import { LifecycleError } from '../errors';
import { headerValue, rawHeaderValue } from '../headers';
import type { Logger } from '../logger';
import type { Producers } from '../producers';
import { RemoteReplyError, RequestTimeoutError } from './errors';
import { CORRELATION_ID_HEADER, errorInReply, newCorrelationId, requestHeaders } from './replyHeaders';

export interface RequestOptions extends SendOptions {
  /** Reject with RequestTimeoutError when no reply came within this many ms. Default config requestReply.timeoutMs. */
  timeoutMs?: number;
}

/** Why a reply was dropped: it came after its request timed out, or no request of this requester has its correlation id. */
export type DroppedReplyReason = 'late' | 'unknown';

export interface RequesterSettings {
  timeoutMs: number;
  replyTopicPrefix: string;
}

export interface RequesterDeps {
  producers: Producers;
  converters: ConverterRegistry;
  defaultContentType: string;
  settings: RequesterSettings;
  logger: Logger;
  /** A reply was dropped (metrics). */
  dropped?: (reason: DroppedReplyReason) => void;
}

interface Pending {
  destination: string;
  correlationId: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

/** The reply topic of one binder and its consumer. */
interface ReplyInbox {
  topic: string;
  binding: Promise<ConsumerBinding>;
}

/** How many timed-out correlation ids are remembered to tell a late reply from an unknown one. */
const TIMED_OUT_MEMORY = 10_000;
/** The reply topic's one partition. */
const REPLY_PARTITION = 0;

export class Requester {
  private readonly pending = new Map<string, Pending>();
  private readonly inboxes = new Map<Binder, ReplyInbox>();
  private readonly timedOut = new Set<string>();
  private readonly droppedCounts: Record<DroppedReplyReason, number> = { late: 0, unknown: 0 };
  private closed = false;

  /** @internal Made by the application; inject it rather than constructing one. */
  constructor(private readonly deps: RequesterDeps) {}

  /**
   * Sends `payload` to `destination` (an output binding's name, a configured binding's name, or a
   * topic) and resolves with the reply's payload, decoded by its content type. Rejects with
   * RequestTimeoutError when no reply came in time, RemoteReplyError when the replier threw.
   */
  async request<R = unknown>(destination: string, payload: unknown, options: RequestOptions = {}): Promise<R> {
    if (this.closed) throw new LifecycleError(`Cannot send a request to '${destination}': the application is closed.`);
    const { timeoutMs = this.deps.settings.timeoutMs, ...sendOptions } = options;
    const target = this.deps.producers.target(destination);
    const inbox = this.inboxFor(target.binder);
    await inbox.binding;
    const correlation = newCorrelationId();
    const correlationId = correlation.toString('hex');
    const reply = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        this.rememberTimedOut(correlationId);
        reject(new RequestTimeoutError(destination, correlationId, timeoutMs));
      }, timeoutMs);
      this.pending.set(correlationId, { destination, correlationId, resolve: resolve as (value: unknown) => void, reject, timer });
    });
    // The caller handles the outcome once request() returns it; a timeout during the send is not unhandled meanwhile.
    reply.catch(() => undefined);
    const headers = { ...sendOptions.headers, ...requestHeaders(inbox.topic, REPLY_PARTITION, correlation) };
    try {
      await this.deps.producers.sendTo(target, payload, { ...sendOptions, headers });
    } catch (error) {
      this.settle(correlationId)?.reject(error);
    }
    return reply;
  }

  /** Replies dropped so far: after their request timed out (`late`) or matching no request (`unknown`). */
  get droppedReplies(): Readonly<Record<DroppedReplyReason, number>> {
    return { ...this.droppedCounts };
  }

  /** Requests waiting for their reply. */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** Reply topics this requester reads, one per binder it has sent requests through. */
  get replyTopics(): string[] {
    return [...this.inboxes.values()].map((inbox) => inbox.topic);
  }

  /** @internal Rejects what still waits and stops reading replies (the application's close). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const correlationId of [...this.pending.keys()]) {
      this.settle(correlationId)?.reject(new LifecycleError(`The request (correlation id ${correlationId}) got no reply before the application closed.`));
    }
    const bindings = await Promise.allSettled([...this.inboxes.values()].map((inbox) => inbox.binding));
    for (const b of bindings) if (b.status === 'fulfilled') await b.value.stop().catch((e) => this.deps.logger.error({ err: e }, 'stopping a reply consumer failed'));
  }

  private inboxFor(binder: Binder): ReplyInbox {
    let inbox = this.inboxes.get(binder);
    if (inbox) return inbox;
    const topic = `${this.deps.settings.replyTopicPrefix}.${randomUUID()}`;
    const binding = (async () => {
      await binder.provisionTopic(topic, 1);
      return binder.bindConsumer(topic, { startOffset: 'earliest', partitionCount: 1 }, async (batch) => this.onReplies(batch));
    })();
    inbox = { topic, binding };
    this.inboxes.set(binder, inbox);
    // A failed bind is retried by the next request rather than remembered.
    binding.catch(() => this.inboxes.get(binder) === inbox && this.inboxes.delete(binder));
    return inbox;
  }

  private async onReplies(batch: InboundBatch): Promise<void> {
    for (const record of batch.records) this.onReply(record);
  }

  private onReply(record: InboundRecord): void {
    const correlation = rawHeaderValue(record, CORRELATION_ID_HEADER);
    const correlationId = correlation ? correlation.toString('hex') : '';
    const pending = this.settle(correlationId);
    if (!pending) {
      const reason: DroppedReplyReason = this.timedOut.has(correlationId) ? 'late' : 'unknown';
      this.droppedCounts[reason]++;
      this.deps.dropped?.(reason);
      this.deps.logger.warn(
        `a reply on ${record.topic} (correlation id ${correlationId || 'none'}) was dropped: ${reason === 'late' ? 'its request had timed out' : 'no request of this application has that correlation id'}`,
      );
      return;
    }
    const failure = errorInReply(record);
    if (failure) {
      pending.reject(new RemoteReplyError(pending.destination, correlationId, failure.className, failure.message, failure.stack));
      return;
    }
    try {
      const contentType = headerValue(record, 'content-type') ?? this.deps.defaultContentType;
      pending.resolve(this.deps.converters.decode(record.value, contentType));
    } catch (error) {
      pending.reject(error);
    }
  }

  /** Takes a request out of the pending ones, its timer cleared. */
  private settle(correlationId: string): Pending | undefined {
    const pending = this.pending.get(correlationId);
    if (!pending) return undefined;
    this.pending.delete(correlationId);
    clearTimeout(pending.timer);
    return pending;
  }

  private rememberTimedOut(correlationId: string): void {
    if (this.timedOut.size >= TIMED_OUT_MEMORY) this.timedOut.delete(this.timedOut.values().next().value as string);
    this.timedOut.add(correlationId);
  }
}
