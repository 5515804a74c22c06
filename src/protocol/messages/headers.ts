/**
 * Kafka request and response headers.
 *
 *   RequestHeader v0  => request_api_key:INT16 request_api_version:INT16 correlation_id:INT32
 *   RequestHeader v1  => v0 client_id:NULLABLE_STRING
 *   RequestHeader v2  => v1 TAGGED_FIELDS            (client_id stays a classic NULLABLE_STRING)
 *   ResponseHeader v0 => correlation_id:INT32
 *   ResponseHeader v1 => v0 TAGGED_FIELDS
 *
 * Flexible api versions use request header v2 / response header v1; ApiVersions responses always
 * use response header v0 (a client must be able to read them before it knows what the broker speaks);
 * ControlledShutdown v0 is the one request on header v0.
 */
import { ByteReader } from '../primitives/ByteReader';
import type { ByteWriter } from '../primitives/ByteWriter';
import { ProtocolDecodeError } from '../primitives/errors';
import { ApiKey } from './apiKeys';
import { isFlexibleVersion } from './registry';

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

export interface DecodedRequestHeader extends RequestHeader {
  /** 0, 1 or 2. */
  readonly headerVersion: number;
  /** Bytes the header took: the request body starts at offset + headerSize. */
  readonly headerSize: number;
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return isFlexibleVersion(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexibleVersion(apiKey, apiVersion) ? 1 : 0;
}

/** Skips a tagged-field section (headers define no tagged fields bindery uses). */
function skipTaggedFields(r: ByteReader): void {
  const count = r.uvarint();
  if (count > r.remaining) throw new ProtocolDecodeError(`tagged field count ${count} exceeds the ${r.remaining} bytes left`);
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.skip(r.uvarint());
  }
}

/**
 * Decodes a request header from a frame (without its 4-byte size prefix). The header version is
 * inferred from api key and version, also for versions newer than the schemas (an ApiVersions request
 * from a newer client still parses, so the broker can answer UNSUPPORTED_VERSION).
 */
export function decodeRequestHeader(buf: Buffer, offset = 0, end = buf.length): DecodedRequestHeader {
  try {
    const r = new ByteReader(buf, offset, end);
    const apiKey = r.int16();
    const apiVersion = r.int16();
    const correlationId = r.int32();
    const headerVersion = requestHeaderVersion(apiKey, apiVersion);
    const clientId = headerVersion >= 1 ? r.nullableString() : null;
    if (headerVersion >= 2) skipTaggedFields(r);
    return { apiKey, apiVersion, correlationId, clientId, headerVersion, headerSize: r.offset - offset };
  } catch (err) {
    throw asDecodeError(err);
  }
}

export function writeRequestHeader(w: ByteWriter, header: RequestHeader): void {
  const headerVersion = requestHeaderVersion(header.apiKey, header.apiVersion);
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId);
  if (headerVersion >= 1) w.nullableString(header.clientId);
  if (headerVersion >= 2) w.uvarint(0);
}

export interface DecodedResponseHeader {
  readonly correlationId: number;
  readonly headerSize: number;
}

/** Decodes a response header (frame without its size prefix) for a request of apiKey/apiVersion. */
export function decodeResponseHeader(apiKey: number, apiVersion: number, buf: Buffer, offset = 0, end = buf.length): DecodedResponseHeader {
  try {
    const r = new ByteReader(buf, offset, end);
    const correlationId = r.int32();
    if (responseHeaderVersion(apiKey, apiVersion) >= 1) skipTaggedFields(r);
    return { correlationId, headerSize: r.offset - offset };
  } catch (err) {
    throw asDecodeError(err);
  }
}

export function writeResponseHeader(w: ByteWriter, apiKey: number, apiVersion: number, correlationId: number): void {
  w.int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) w.uvarint(0);
}

/** Whatever goes wrong while reading untrusted bytes surfaces as a ProtocolDecodeError. */
export function asDecodeError(err: unknown): Error {
  if (err instanceof ProtocolDecodeError) return err;
  if (isNativeError(err, 'RangeError') || isNativeError(err, 'TypeError')) return new ProtocolDecodeError(`malformed frame: ${err.message}`);
  return err instanceof Error ? err : new ProtocolDecodeError(String(err));
}

/** By name, not instanceof: Node's own errors may come from another realm (vm contexts, test runners). */
export function isNativeError(err: unknown, name: 'RangeError' | 'TypeError'): err is Error {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === name;
}
