/** The RecordContext and Acknowledgment handed to listener methods. */
import { Acknowledgment, RecordContext, type SeekTarget } from '../../annotations';
import type { ConsumerSession, InboundRecord } from '../../binder/Binder';
import { rawHeaderValue, recordHeadersOf } from '../headers';

export class InboundRecordContext extends RecordContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly timestamp: number;
  readonly headers: Record<string, string>;

  /** Kept out of the enumerable fields: the context stays a plain-looking object when logged. */
  readonly #record: InboundRecord;
  readonly #session: ConsumerSession;

  constructor(
    record: InboundRecord,
    readonly attempt: number,
    session: ConsumerSession,
  ) {
    super();
    this.#record = record;
    this.#session = session;
    this.topic = record.topic;
    this.partition = record.partition;
    this.offset = record.offset;
    this.key = record.key;
    this.timestamp = record.timestamp;
    this.headers = recordHeadersOf(record);
  }

  get rawHeaders(): ReadonlyArray<{ readonly key: string; readonly value: Buffer | null }> {
    return this.#record.headers.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) }));
  }

  rawHeader(name: string): Buffer | null | undefined {
    return rawHeaderValue(this.#record, name);
  }

  seek(target: SeekTarget, partition: { topic: string; partition: number } = this): Promise<void> {
    return this.#session.seekTo(partition.topic, partition.partition, target);
  }

  pausePartition(): void {
    this.#session.pausePartition(this.topic, this.partition);
  }

  resumePartition(): void {
    this.#session.resumePartition(this.topic, this.partition);
  }
}

/** What a listener did with its Acknowledgment during one invocation. */
export class ListenerAcknowledgment extends Acknowledgment {
  acked = false;
  nackSleepMs: number | undefined;

  constructor(private readonly onAck: () => void) {
    super();
  }

  ack(): void {
    if (this.acked) return;
    this.acked = true;
    this.onAck();
  }

  nack(sleepMs = 0): void {
    this.nackSleepMs = Math.max(0, sleepMs);
  }
}
