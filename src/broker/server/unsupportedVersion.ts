import { ByteWriter } from '../../protocol/primitives';
import type { ApiHandler } from './types';

/**
 * Request header fields that sit at fixed offsets in every header version:
 *   RequestHeader => api_key:int16 api_version:int16 correlation_id:int32 ...
 */
export function readBareHeader(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } | null {
  if (frame.length < 8) return null;
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

/** The advertised version ranges, ordered by api key; every API is advertised from version 0. */
export function advertisedVersions(handlers: ReadonlyMap<number, ApiHandler<any>>): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return [...handlers.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) => ({ apiKey: h.apiKey, minVersion: 0, maxVersion: h.maxVersion }));
}

/**
 * ApiVersions response frame v0 with UNSUPPORTED_VERSION, for an ApiVersions request whose version
 * the broker does not know (KIP-511); response header v0 as always for ApiVersions.
 *   ApiVersionsResponse v0 => correlation_id:int32 error_code:int16 [api_key:int16 min:int16 max:int16]
 */
export function encodeUnsupportedApiVersions(correlationId: number, handlers: ReadonlyMap<number, ApiHandler<any>>): Buffer {
  const apis = advertisedVersions(handlers);
  const w = new ByteWriter(16 + apis.length * 6);
  w.int32(10 + apis.length * 6).int32(correlationId).int16(35).int32(apis.length);
  for (const a of apis) w.int16(a.apiKey).int16(a.minVersion).int16(a.maxVersion);
  return w.toBuffer();
}
