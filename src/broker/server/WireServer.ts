import { DEFAULT_BROKER_CONFIG } from '../config/BrokerConfig';
import type { BrokerApi, BrokerServices } from './brokerApi';
import { clientNotices } from './clientNotices';
import { brokerHandlers } from './handlers';
import type { FailurePhase } from './Connection';
import { BinderyError } from '../../protocol/primitives';
import { FailedAuthenticationDelay } from './FailedAuthenticationDelay';
import { KafkaServer, type ConnectionLimits } from './KafkaServer';
import { protocolCodec } from './protocolCodec';
import { responseBytesBound } from './responseBounds';
import type { SaslSettings } from './services';
import { advertisedVersions } from './unsupportedVersion';
import { transactionFeatureLevels, withTransactionVersionCaps } from './transactionVersionFeature';
import type { BrokerMetrics } from '../metrics/BrokerMetrics';

export interface WireServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Host clients are told to connect to (metadata, coordinator); defaults to the bound host, required when that is 0.0.0.0 or ::. */
  advertisedHost?: string;
  nodeId?: number;
  clusterId?: string;
  sasl?: SaslSettings | null;
  /** Limits of each connection and of all of them (BrokerConfig's defaults when unset). */
  limits?: Omit<ConnectionLimits, 'responseBytesBound'>;
  /** fetch.max.bytes: the most a fetch response is counted for before it is read. */
  fetchMaxBytes?: number;
  /** connection.failed.authentication.delay.ms */
  failedAuthenticationDelayMs?: number;
  /** Called when a connection is closed: for malformed input ('input') or a failure answering it ('handler'). */
  onConnectionError?: (remoteAddress: string, err: unknown, phase: FailurePhase) => void;
  /** Where notices about what clients asked for go (e.g. a refused transactional producer), each once. */
  onNotice?: (message: string) => void;
  /** Counts and times requests per API and version, and reports connections. */
  metrics?: BrokerMetrics;
}

/** A running Kafka-protocol listener in front of a broker engine. */
export interface WireServer {
  readonly host: string;
  readonly port: number;
  readonly connectionCount: number;
  close(graceMs?: number): Promise<void>;
}

/** Asked to advertise an address clients cannot connect to (0.0.0.0, ::). */
export class AdvertisedHostError extends BinderyError {
  constructor(host: string, explicit: boolean) {
    super(
      'ADVERTISED_HOST_REQUIRED',
      explicit
        ? `cannot advertise the non-routable address ${host}: set --advertised-host (advertisedHost) to a name or IP address clients can reach`
        : `listening on ${host} accepts connections on every interface, but clients must be told one address to come back to: ` +
            `set --advertised-host (advertisedHost) to a name or IP address they can reach (as Kafka requires advertised.listeners to be routable)`,
    );
  }
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The host metadata tells clients to connect to: `advertisedHost`, else the bound host. A
 * wildcard is refused, as Kafka refuses to advertise 0.0.0.0: telling remote clients 127.0.0.1
 * sends them to themselves.
 */
export function advertisedHostFor(host: string, advertisedHost?: string): string {
  const advertised = advertisedHost ?? host;
  if (WILDCARD_HOSTS.has(advertised)) throw new AdvertisedHostError(advertised, advertisedHost !== undefined);
  return advertised;
}

/** Binds the Kafka wire protocol to `broker` and starts listening. */
export async function startWireServer(broker: BrokerApi, opts: WireServerOptions = {}): Promise<WireServer> {
  const host = opts.host ?? DEFAULT_BROKER_CONFIG.host;
  const services: BrokerServices = {
    broker,
    advertisedVersions: () => advertisedVersions(server.handlerTable),
    features: () => transactionFeatureLevels(broker.transactions.transactionVersion),
    sasl: opts.sasl ?? null,
    failedAuthentication: new FailedAuthenticationDelay(opts.failedAuthenticationDelayMs ?? DEFAULT_BROKER_CONFIG.connectionFailedAuthenticationDelayMs),
    advertisedHost: advertisedHostFor(host, opts.advertisedHost),
    advertisedPort: opts.port ?? DEFAULT_BROKER_CONFIG.port,
    nodeId: opts.nodeId ?? DEFAULT_BROKER_CONFIG.nodeId,
    clusterId: opts.clusterId ?? 'bindery-cluster',
    notices: clientNotices(opts.onNotice ?? (() => undefined)),
  };
  // Below transaction.version 2 the requests of version-2 producers are neither advertised nor served.
  const served = withTransactionVersionCaps(brokerHandlers, broker.transactions.transactionVersion);
  const server: KafkaServer<BrokerServices> = new KafkaServer<BrokerServices>({
    codec: protocolCodec,
    handlers: opts.metrics ? served.map((h) => opts.metrics!.handler(h)) : served,
    services,
    host,
    port: opts.port ?? DEFAULT_BROKER_CONFIG.port,
    ...opts.limits,
    responseBytesBound: responseBytesBound(opts.fetchMaxBytes ?? DEFAULT_BROKER_CONFIG.fetchMaxBytes),
    authRequired: !!opts.sasl,
    onConnectionError: opts.onConnectionError ? (c, err, phase) => opts.onConnectionError?.(c.remoteAddress, err, phase) : undefined,
  });
  const bound = await server.listen();
  services.advertisedPort = bound.port;
  opts.metrics?.watchServer(server);
  return {
    host: bound.host,
    port: bound.port,
    get connectionCount() {
      return server.connectionCount;
    },
    close: (graceMs?: number) => server.close(graceMs),
  };
}
