/** The RecordContext and Acknowledgment handed to listener methods. */
import { Acknowledgment, RecordContext } from '../../annotations';
import type { InboundRecord } from '../../binder/Binder';
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

  constructor(
    record: InboundRecord,
    readonly attempt: number,
  ) {
    super();
    this.#record = record;
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
