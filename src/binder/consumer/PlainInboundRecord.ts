/**
 * An InboundRecord whose headers are already a list: what the kafka binder makes of a kafkajs
 * message, and the test binder of an appended record. (The native binder's records are the
 * protocol's FetchedRecords, which find a header in the batch bytes instead.)
 */
import { isHeaderNamed } from '../../protocol/records/FetchedRecord';
import type { InboundRecord, RecordHeader } from '../Binder';

export class PlainInboundRecord implements InboundRecord {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly headers: RecordHeader[],
  ) {}

  headerText(name: string): string | undefined {
    const list = this.headers;
    for (let i = list.length - 1; i >= 0; i--) {
      const h = list[i];
      if (isHeaderNamed(h.key, name)) return h.value === null ? undefined : h.value.toString();
    }
    return undefined;
  }
}
