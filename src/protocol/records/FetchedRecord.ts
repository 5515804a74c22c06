/**
 * A record as a consumer reads it: topic, partition, offset, timestamp, key and value decoded,
 * its headers left in the batch bytes until first asked for. Most listeners read one header of a
 * record (its content type); decoding every header of every record (an object and a Buffer view
 * each, plus the array) was a large share of the native binder's time per message (bench/notes/protocol-hot-path.md).
 * The header framing is checked when the record is read (skipHeaders), so a malformed record
 * still fails its batch's decode, and the later decode cannot fail.
 */
import type { Buffer } from 'node:buffer';
import { ByteReader } from '../primitives';
import type { HeaderTextReader } from './HeaderTextReader';
import { readHeaders } from './recordCodec';
import type { Record, RecordHeader } from './types';

/** A record with the topic partition it was read from. */
export interface TopicPartitionRecord extends Record {
  topic: string;
  partition: number;
}

/** Header names match exactly, else ignoring case (Spring's headers are case-insensitive). */
export function isHeaderNamed(key: string, name: string): boolean {
  return key === name || (key.length === name.length && key.toLowerCase() === name.toLowerCase());
}

export class FetchedRecord implements TopicPartitionRecord {
  private decodedHeaders: RecordHeader[] | undefined = undefined;

  /** `source[headersAt, end)` holds the record's header count and headers, already checked. */
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    private readonly source: Buffer,
    private readonly headersAt: number,
    private readonly end: number,
    /** The decoder's reader of header texts (its caches serve every record it decoded). */
    private readonly reader: HeaderTextReader,
  ) {}

  /** Decoded on first use; header values are views into the batch bytes, as the key and value are. */
  get headers(): RecordHeader[] {
    return (this.decodedHeaders ??= readHeaders(new ByteReader(this.source, this.headersAt, this.end), this.end));
  }

  /**
   * The value of the last header named `name` (isHeaderNamed) as UTF-8 text, read from the bytes
   * without decoding the other headers; undefined when there is none or its value is null.
   */
  headerText(name: string): string | undefined {
    return this.reader.headerText(this.source, this.headersAt, name);
  }
}
