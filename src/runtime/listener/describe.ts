/** Small helpers for log lines and header lookups of inbound records. */
import type { InboundRecord } from '../../binder/Binder';
import { describeThrown } from '../../binder/describeThrown';

/** topic-partition@offset, as logs show a record. */
export const where = (r: Pick<InboundRecord, 'topic' | 'partition' | 'offset'>): string => `${r.topic}-${r.partition}@${r.offset}`;

/** An Error's message; anything else thrown as its JSON (never `[object Object]`). */
export const errorMessage = (e: unknown): string => describeThrown(e);

/** The last header of that name, as text. */
export function headerText(record: InboundRecord, name: string): string | undefined {
  for (let i = record.headers.length - 1; i >= 0; i--) {
    const h = record.headers[i];
    if (h.key === name) return h.value ? h.value.toString('utf8') : undefined;
  }
  return undefined;
}
