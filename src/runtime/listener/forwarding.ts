/**
 * Publishes failed records to a retry topic or a dead-letter topic. The caller commits the
 * record only after this resolves (the broker acknowledged every forward), so a crash in between
 * delivers the record again rather than losing it.
 */
import type { Binder, InboundRecord } from '../../binder/Binder';
import type { Clock } from '../clock';
import type { Producers } from '../producers';
import { dlqRecord } from './dlq';
import { forwardedRecord } from './retryTopics';

export class Forwarder {
  constructor(
    private readonly binder: Binder,
    private readonly producers: Producers,
    private readonly clock: Clock,
    private readonly partitionCount: number | undefined,
    /** Retry and dead-letter topics of retry topics, created at start with the main topic's partition count. */
    private readonly retryTopicsReady: () => Promise<Map<string, number>> | undefined,
  ) {}

  /** To a retry topic: due `delayMs` from now. */
  async toRetryTopic(topic: string, records: InboundRecord[], error: unknown, attempts: number, delayMs: number): Promise<void> {
    await this.ensure(topic, records[0]);
    const due = this.clock.now() + delayMs;
    for (const record of records) await this.producers.sendRaw(topic, forwardedRecord(record, error, attempts, due));
  }

  /** To a dead-letter topic: with retry topics in the same headers as their forwards, else the DLQ's. */
  async toDeadLetter(topic: string, records: InboundRecord[], error: unknown, attempts: number): Promise<void> {
    await this.ensure(topic, records[0]);
    const throughRetryTopics = this.retryTopicsReady() !== undefined;
    for (const record of records) await this.producers.sendRaw(topic, throughRetryTopics ? forwardedRecord(record, error, attempts) : dlqRecord(record, error, attempts));
  }

  private async ensure(topic: string, record: InboundRecord): Promise<void> {
    const prepared = await this.retryTopicsReady();
    if (prepared?.has(topic)) return;
    await this.binder.provisionTopic(topic, Math.max(record.partition + 1, this.partitionCount ?? 1));
  }
}
