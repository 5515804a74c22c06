/**
 * Publishes failed records to a retry topic or a dead-letter topic. The caller commits the
 * record only after this reports success (the broker acknowledged every forward), so a crash in
 * between delivers the record again rather than losing it.
 */
import type { Binder, InboundRecord } from '../../binder/Binder';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { ListenerObserver } from '../observability/observers';
import type { Producers } from '../producers';
import { errorMessage as message, where } from './describe';
import { dlqRecord } from './dlq';
import type { Resolution } from './recovery';
import { forwardedRecord } from './retryTopics';

export class Forwarder {
  constructor(
    private readonly deps: { binder: Binder; producers: Producers; clock: Clock; logger: Logger },
    private readonly name: string,
    private readonly partitionCount: number | undefined,
    /** Retry and dead-letter topics of retry topics, created at start with the main topic's partition count. */
    private readonly retryTopics: () => Promise<Map<string, number>> | undefined,
    private readonly observer: ListenerObserver,
  ) {}

  /** Sends `records` where `resolution` says; false (logged, counted) when the binder refused. */
  async forward(resolution: Extract<Resolution, { topic: string }>, records: InboundRecord[], error: unknown, attempts: number): Promise<boolean> {
    const first = records[0];
    try {
      if (resolution.kind === 'retryTopic') await this.toRetryTopic(resolution.topic, records, error, attempts, resolution.delayMs);
      else await this.toDeadLetter(resolution.topic, records, error, attempts);
    } catch (publishError) {
      this.deps.logger.error({ err: publishError }, `${this.name}: could not publish ${where(first)} to ${resolution.topic}; it will be redelivered`);
      this.observer.deadLetterFailed(first);
      return false;
    }
    if (resolution.kind === 'retryTopic') {
      this.deps.logger.warn(`${this.name}: attempt ${attempts} on ${where(first)} failed (${message(error)}); retrying through ${resolution.topic} in ${resolution.delayMs} ms`);
      this.observer.retried(first);
    } else {
      this.deps.logger.warn(`${this.name}: ${where(first)} sent to ${resolution.topic} after ${attempts} attempt(s): ${message(error)}`);
      this.observer.deadLetterSent(first, records.length);
      this.observer.processed(first, 'dead_lettered', records.length);
    }
    return true;
  }

  /** To a retry topic: due `delayMs` from now. */
  private async toRetryTopic(topic: string, records: InboundRecord[], error: unknown, attempts: number, delayMs: number): Promise<void> {
    await this.ensure(topic, records[0]);
    const due = this.deps.clock.now() + delayMs;
    for (const record of records) await this.deps.producers.sendRaw(topic, forwardedRecord(record, error, attempts, due));
  }

  /** To a dead-letter topic: with retry topics in the same headers as their forwards, else the DLQ's. */
  private async toDeadLetter(topic: string, records: InboundRecord[], error: unknown, attempts: number): Promise<void> {
    await this.ensure(topic, records[0]);
    const throughRetryTopics = this.retryTopics() !== undefined;
    for (const record of records) await this.deps.producers.sendRaw(topic, throughRetryTopics ? forwardedRecord(record, error, attempts) : dlqRecord(record, error, attempts));
  }

  private async ensure(topic: string, record: InboundRecord): Promise<void> {
    const prepared = await this.retryTopics();
    if (prepared?.has(topic)) return;
    await this.deps.binder.provisionTopic(topic, Math.max(record.partition + 1, this.partitionCount ?? 1));
  }
}
