import { ApiKey } from '../../protocol/generated/apiKeys';
import type { FetchRequestData } from '../../protocol/generated/types';
import type { RequestHeaderInfo } from './types';

/**
 * What a request's response may take at most, counted against its connection before the
 * handler runs. Only Fetch can be large: the smallest of the request's maxBytes, the sum of its
 * partitions' limits and the broker's fetch.max.bytes (the first batch of a partition may still
 * overshoot; the real size replaces the bound once the response is encoded).
 */
export function responseBytesBound(fetchMaxBytes: number): (header: RequestHeaderInfo, body: unknown) => number {
  return (header, body) => {
    if (header.apiKey !== ApiKey.Fetch) return 0;
    const request = body as FetchRequestData;
    let partitions = 0;
    for (const t of request.topics) for (const p of t.partitions) partitions += Math.max(0, p.partitionMaxBytes);
    const requested = header.apiVersion >= 3 && request.maxBytes !== undefined ? Math.max(0, request.maxBytes) : Infinity;
    return Math.min(requested, partitions, fetchMaxBytes);
  };
}
