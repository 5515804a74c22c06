/**
 * Message conversion by content type: JSON (the default), text/plain and raw bytes built in;
 * custom converters registered per content type override or extend them.
 */
// Imported rather than the global: on Node 20 the global Buffer is a getter, called per message here.
import { Buffer } from 'node:buffer';
import { MessageConversionError } from './errors';

export interface MessageConverter {
  /** Media type handled, e.g. 'application/avro' (parameters like charset are ignored). */
  readonly contentType: string;
  toBytes(payload: unknown): Buffer;
  /** `targetType` is the listener parameter's declared type when known (String, Buffer, a class...). */
  fromBytes(bytes: Buffer, targetType?: Function): unknown;
}

export const jsonConverter: MessageConverter = {
  contentType: 'application/json',
  toBytes: (payload) => Buffer.from(JSON.stringify(payload) ?? 'null'),
  fromBytes: (bytes, targetType) => {
    if (targetType === Buffer) return bytes;
    // toString() without arguments is UTF-8 without the encoding lookup.
    const text = bytes.toString();
    if (targetType === String) return text;
    return JSON.parse(text);
  },
};

export const textConverter: MessageConverter = {
  contentType: 'text/plain',
  toBytes: (payload) => Buffer.from(typeof payload === 'string' ? payload : String(payload)),
  fromBytes: (bytes, targetType) => (targetType === Buffer ? bytes : bytes.toString('utf8')),
};

export const bytesConverter: MessageConverter = {
  contentType: 'application/octet-stream',
  toBytes: (payload) => {
    if (Buffer.isBuffer(payload)) return payload;
    if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    if (typeof payload === 'string') return Buffer.from(payload);
    throw new MessageConversionError('application/octet-stream', 'the payload must be a Buffer, Uint8Array or string');
  },
  fromBytes: (bytes, targetType) => (targetType === String ? bytes.toString('utf8') : bytes),
};

export const mediaType = (contentType: string): string => contentType.split(';')[0].trim().toLowerCase();

/** Bound on the per-registry cache of content type → converter (an application uses a handful). */
const FOUND_CACHE_LIMIT = 256;

export class ConverterRegistry {
  private readonly converters = new Map<string, MessageConverter>();
  /** Content types as written in headers → their converter, so a record's type is parsed once, not per record. */
  private readonly found = new Map<string, MessageConverter>();

  constructor(custom: MessageConverter[] = []) {
    for (const c of [jsonConverter, textConverter, bytesConverter, ...custom]) this.converters.set(mediaType(c.contentType), c);
  }

  /** The converter for a content type; `+json` suffixes use JSON and `text/*` uses text. */
  find(contentType: string): MessageConverter {
    const cached = this.found.get(contentType);
    if (cached !== undefined) return cached;
    const converter = this.lookup(contentType);
    if (this.found.size < FOUND_CACHE_LIMIT) this.found.set(contentType, converter);
    return converter;
  }

  private lookup(contentType: string): MessageConverter {
    const type = mediaType(contentType);
    const exact = this.converters.get(type);
    if (exact) return exact;
    if (type.endsWith('+json')) return jsonConverter;
    if (type.startsWith('text/')) return textConverter;
    throw new MessageConversionError(
      contentType,
      `no converter is registered for it (known: ${[...this.converters.keys()].join(', ')}); pass one in Bindery.create({ converters })`,
    );
  }

  /** Payload → bytes + the content type to put in the header. Buffers are sent raw unless a type is forced. */
  encode(payload: unknown, contentType: string | undefined, fallback: string): { bytes: Buffer | null; contentType: string } {
    const type = contentType ?? (Buffer.isBuffer(payload) || payload instanceof Uint8Array ? 'application/octet-stream' : fallback);
    if (payload === null || payload === undefined) return { bytes: null, contentType: type };
    return { bytes: this.find(type).toBytes(payload), contentType: type };
  }

  decode(bytes: Buffer | null, contentType: string, targetType?: Function): unknown {
    if (bytes === null) return null;
    try {
      return this.find(contentType).fromBytes(bytes, targetType);
    } catch (error) {
      if (error instanceof MessageConversionError) throw error;
      throw new MessageConversionError(contentType, (error as Error).message);
    }
  }
}
