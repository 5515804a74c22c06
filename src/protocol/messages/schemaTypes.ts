/**
 * Shapes of the generated schema tables (src/protocol/generated/schemas.ts). Version ranges use
 * Kafka's notation: "3+" (3 and later), "1-4", "2" (exactly 2), "none".
 */
export interface FieldSchema {
  /** Property name in the decoded data (Kafka's field name with a lower-case first letter). */
  readonly name: string;
  /** Kafka type: int8..int64, uint16, float64, string, bytes, records, uuid, bool, []T, or a struct name. */
  readonly type: string;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly taggedVersions?: string;
  readonly tag?: number;
  /** Default as written in the schema ("-1", "null", "true", "0x7fffffff"...); type-specific zero when absent. */
  readonly default?: string;
  readonly ignorable?: boolean;
  /** Fields of the struct when this field declares one (type "T" or "[]T"). */
  readonly fields?: readonly FieldSchema[];
}

export interface StructSchema {
  readonly name: string;
  readonly versions: string;
  readonly fields: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  readonly type: 'request' | 'response' | 'header' | 'data';
  readonly apiKey: number | null;
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSchema[];
  readonly commonStructs?: readonly StructSchema[];
}

/** A tagged field the schema does not know, kept as raw bytes so re-encoding preserves it. */
export interface RawTaggedField {
  readonly tag: number;
  readonly data: Buffer;
}

/**
 * A RECORDS field: stored record batches. Decoders always give one Buffer; encoders also take
 * pieces (each holding whole batches), appended to the message by reference in order, so a fetch
 * read in several pooled pieces is sent without joining them.
 */
export type RecordSet = Buffer | readonly Buffer[];

/** A record set as one Buffer (what a decoder gave is returned as it is; pieces are joined). */
export function recordSetBuffer(records: RecordSet): Buffer {
  return Buffer.isBuffer(records) ? records : Buffer.concat(records);
}

/** Every decoded struct may carry the unknown tagged fields it arrived with (flexible versions). */
export interface TaggedStruct {
  _unknownTaggedFields?: RawTaggedField[];
}

/**
 * What encoders accept for a message type: the decoded shape, except that INT64 fields also take a
 * JS number (a safe integer: offsets, timestamps), so callers holding numbers need not convert.
 */
export type EncodeInput<T> = T extends bigint
  ? bigint | number
  : T extends Buffer
    ? T
    : T extends readonly (infer E)[]
      ? readonly EncodeInput<E>[]
      : T extends object
        ? { [K in keyof T]: EncodeInput<T[K]> }
        : T;
