import type { FailedAuthenticationDelay } from './FailedAuthenticationDelay';
import type { FeatureLevels } from './transactionVersionFeature';

/** SASL/PLAIN users accepted by the broker; when absent, connections need no authentication. */
export interface SaslSettings {
  mechanisms: readonly string[];
  /** username → password for PLAIN. */
  plainUsers: Readonly<Record<string, string>>;
}

/** Tells the operator about something a client did, each distinct `key` once (bounded memory). */
export interface ClientNotices {
  once(key: string, message: string): void;
}

/** What every handler may use besides the request: the broker engine and the server's own facts. */
export interface ServerServices<B = unknown> {
  broker: B;
  /** Version ranges the server answers, as ApiVersions advertises them. */
  advertisedVersions(): readonly { apiKey: number; minVersion: number; maxVersion: number }[];
  /** Supported and finalized feature levels, as ApiVersions v3+ reports them (none when absent). */
  features?(): FeatureLevels;
  sasl: SaslSettings | null;
  /** Paces failed authentications per client address (none when absent). */
  failedAuthentication?: FailedAuthenticationDelay;
  /** Address clients should use to reach this broker (metadata, coordinator). */
  advertisedHost: string;
  advertisedPort: number;
  nodeId: number;
  clusterId: string;
  notices: ClientNotices;
}
