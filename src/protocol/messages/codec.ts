/**
 * Public request/response codecs over the generated schema tables. Bodies exclude the header;
 * frames include the INT32 size prefix and the header.
 *
 * Value mapping: int8/int16/int32/uint16/float64 → number; int64 → bigint (exact, so every value
 * round-trips; encoders also accept a safe-integer number); string → string; uuid → string
 * (8-4-4-4-12 hex); bool → boolean; bytes → Buffer; records → Buffer | null (raw bytes, never decoded
 * here); arrays → arrays; structs → objects. Decoded Buffers are views into the input (no copy).
 * Fields absent in a version decode to their schema default; encoders fill missing fields with it.
 */
import type { ApiKey } from '../generated/apiKeys';
import type { DataByName, RequestDataByApiKey, ResponseDataByApiKey } from '../generated/types';
import { ByteReader } from '../primitives/ByteReader';
import { BinderyError } from '../primitives/errors';
import { ZeroCopyWriter, concatChunks, type EncodedChunks } from './ZeroCopyWriter';
import { isValidVersion, messagePlan } from './compile';
import { decodeStruct } from './decode';
import { ProtocolEncodeError, encodeStruct } from './encode';
import { asDecodeError, isNativeError, writeRequestHeader, writeResponseHeader, type RequestHeader } from './headers';
import { layoutVersion } from './layoutAliases';
import { apiMessageSchemas, dataSchemas } from './registry';
import type { EncodeInput, MessageSchema } from './schemaTypes';

/** The api key or version is not one the schemas define; brokers answer UNSUPPORTED_VERSION. */
export class UnsupportedApiVersionError extends BinderyError {
  constructor(
    readonly apiKey: number,
    readonly apiVersion: number,
  ) {
    const api = apiMessageSchemas.get(apiKey);
    super(
      'UNSUPPORTED_VERSION',
      api
        ? `${api.name} v${apiVersion} is not supported: use a version from ${api.versions.min} to ${api.versions.max}`
        : `api key ${apiKey} is unknown: check the client speaks the Kafka protocol`,
    );
  }
}

export type MessageKind = 'request' | 'response';
export type RequestData<K extends ApiKey> = RequestDataByApiKey[K];
export type ResponseData<K extends ApiKey> = ResponseDataByApiKey[K];

function schemaFor(kind: MessageKind, apiKey: number, version: number): MessageSchema {
  const api = apiMessageSchemas.get(apiKey);
  const schema = api?.[kind];
  if (!schema || !isValidVersion(schema, version)) throw new UnsupportedApiVersionError(apiKey, version);
  return schema;
}

/** Decodes one message body; `bytesRead` tells how much of [offset, end) it used. */
export function decodeMessage(
  kind: MessageKind,
  apiKey: number,
  version: number,
  buf: Buffer,
  offset = 0,
  end = buf.length,
): { data: Record<string, unknown>; bytesRead: number } {
  const layout = layoutVersion(apiKey, version);
  const schema = schemaFor(kind, apiKey, layout);
  return decodeWithSchema(schema, layout, buf, offset, end);
}

function decodeWithSchema(schema: MessageSchema, version: number, buf: Buffer, offset: number, end: number): { data: Record<string, unknown>; bytesRead: number } {
  const plan = messagePlan(schema, version);
  try {
    const r = new ByteReader(buf, offset, end);
    const data = decodeStruct(r, plan);
    return { data, bytesRead: r.offset - offset };
  } catch (err) {
    throw asDecodeError(err);
  }
}

/** Decodes a request body (the bytes after the request header). Throws ProtocolDecodeError on malformed input. */
export function decodeRequest<K extends ApiKey>(apiKey: K, version: number, buf: Buffer, offset = 0, end = buf.length): RequestData<K> {
  return decodeMessage('request', apiKey, version, buf, offset, end).data as unknown as RequestData<K>;
}

/** Decodes a response body (the bytes after the response header). */
export function decodeResponse<K extends ApiKey>(apiKey: K, version: number, buf: Buffer, offset = 0, end = buf.length): ResponseData<K> {
  return decodeMessage('response', apiKey, version, buf, offset, end).data as unknown as ResponseData<K>;
}

function encodeBodyInto(out: ZeroCopyWriter, kind: MessageKind, apiKey: number, apiVersion: number, data: object): void {
  const version = layoutVersion(apiKey, apiVersion);
  const schema = schemaFor(kind, apiKey, version);
  try {
    encodeStruct(out, messagePlan(schema, version), data as Record<string, unknown>);
  } catch (err) {
    // Buffer writers throw RangeError for out-of-range numbers and malformed UUIDs.
    if (isNativeError(err, 'RangeError')) throw new ProtocolEncodeError(`${schema.name} v${version}: ${err.message}`);
    throw err;
  }
}

/** Encodes a request body (no header): what kafkajs' request encoders produce. */
export function encodeRequest<K extends ApiKey>(apiKey: K, version: number, data: EncodeInput<RequestData<K>>): Buffer {
  const out = new ZeroCopyWriter();
  encodeBodyInto(out, 'request', apiKey, version, data);
  return concatChunks(out.finish());
}

/** Encodes a complete request frame: size prefix, request header, body. */
export function encodeRequestFrame<K extends ApiKey>(header: RequestHeader & { apiKey: K }, data: EncodeInput<RequestData<K>>): Buffer {
  const out = new ZeroCopyWriter();
  out.w.int32(0); // size, patched below
  writeRequestHeader(out.w, header);
  encodeBodyInto(out, 'request', header.apiKey, header.apiVersion, data);
  const encoded = out.finish();
  encoded.chunks[0].writeInt32BE(encoded.size - 4, 0);
  return concatChunks(encoded);
}

/** Encodes a response body (no header) as chunks; record sets are referenced, not copied. */
export function encodeResponseBody<K extends ApiKey>(apiKey: K, version: number, data: EncodeInput<ResponseData<K>>): EncodedChunks {
  const out = new ZeroCopyWriter();
  encodeBodyInto(out, 'response', apiKey, version, data);
  return out.finish();
}

/**
 * Encodes a complete response frame: INT32 size prefix, response header, body, as chunks ready for
 * socket writev; `size` is the total byte count including the prefix. Record sets in the data are
 * appended by reference (never copied). Use concatChunks() for a single Buffer.
 */
export function encodeResponse<K extends ApiKey>(apiKey: K, version: number, correlationId: number, data: EncodeInput<ResponseData<K>>): EncodedChunks {
  const out = new ZeroCopyWriter();
  out.w.int32(0); // size, patched below
  writeResponseHeader(out.w, apiKey, version, correlationId);
  encodeBodyInto(out, 'response', apiKey, version, data);
  const encoded = out.finish();
  // The first chunk always begins with the header (bodies append references only after it).
  encoded.chunks[0].writeInt32BE(encoded.size - 4, 0);
  return encoded;
}

/** Encodes an embedded data schema (e.g. "ConsumerProtocolSubscription") at `version`. */
export function encodeData<N extends keyof DataByName>(schemaName: N, version: number, data: EncodeInput<DataByName[N]>): Buffer {
  const schema = dataSchemas.get(schemaName);
  if (!schema || !isValidVersion(schema, version)) throw new BinderyError('UNKNOWN_SCHEMA', `no schema ${schemaName} v${version}: check the name and version`);
  const out = new ZeroCopyWriter();
  encodeStruct(out, messagePlan(schema, version), data as unknown as Record<string, unknown>);
  return concatChunks(out.finish());
}

/** Decodes an embedded data schema (e.g. "ConsumerProtocolAssignment"). */
export function decodeData<N extends keyof DataByName>(schemaName: N, version: number, buf: Buffer, offset = 0, end = buf.length): DataByName[N] {
  const schema = dataSchemas.get(schemaName);
  if (!schema || !isValidVersion(schema, version)) throw new BinderyError('UNKNOWN_SCHEMA', `no schema ${schemaName} v${version}: check the name and version`);
  return decodeWithSchema(schema, version, buf, offset, end).data as unknown as DataByName[N];
}
