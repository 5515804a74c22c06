/** Lookup of the generated schema tables by api key and kind, with their version ranges. */
import { messageSchemas } from '../generated/schemas';
import type { MessageSchema } from './schemaTypes';
import { highestAlias } from './layoutAliases';
import { parseVersionRange, type VersionRange } from './versions';

export interface ApiMessageSchema {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
  /** Versions both the request and response schemas define. */
  readonly versions: VersionRange;
  /** Flexible (compact + tagged fields) versions, or null when the api has none. */
  readonly flexibleVersions: VersionRange | null;
}

function build(): Map<number, ApiMessageSchema> {
  const requests = new Map<number, MessageSchema>();
  const responses = new Map<number, MessageSchema>();
  for (const s of messageSchemas) {
    if (s.apiKey === null) continue;
    if (s.type === 'request') requests.set(s.apiKey, s);
    else if (s.type === 'response') responses.set(s.apiKey, s);
  }
  const out = new Map<number, ApiMessageSchema>();
  for (const [apiKey, request] of [...requests].sort((a, b) => a[0] - b[0])) {
    const response = responses.get(apiKey);
    const rq = parseVersionRange(request.validVersions);
    if (!response || !rq) continue;
    const rs = parseVersionRange(response.validVersions) ?? rq;
    out.set(apiKey, {
      apiKey,
      name: request.name.replace(/Request$/, ''),
      request,
      response,
      versions: { min: Math.max(rq.min, rs.min), max: Math.max(Math.min(rq.max, rs.max), highestAlias(apiKey) ?? 0) },
      flexibleVersions: parseVersionRange(request.flexibleVersions),
    });
  }
  return out;
}

/** Every api the schemas define, by api key: names, version range, flexible versions. */
export const apiMessageSchemas: ReadonlyMap<number, ApiMessageSchema> = build();

/**
 * Embedded data schemas (ConsumerProtocolSubscription, LeaderChangeMessage...), by name. Headers are
 * not among them: headers.ts encodes those (their client id keeps the classic form in flexible versions).
 */
export const dataSchemas: ReadonlyMap<string, MessageSchema> = new Map(
  messageSchemas.filter((s) => s.type === 'data').map((s) => [s.name, s]),
);

export function isFlexibleVersion(apiKey: number, version: number): boolean {
  const f = apiMessageSchemas.get(apiKey)?.flexibleVersions;
  return f !== null && f !== undefined && version >= f.min && version <= f.max;
}
