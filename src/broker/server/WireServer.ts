import { DEFAULT_BROKER_CONFIG } from '../config/BrokerConfig';
import type { BrokerApi, BrokerServices } from './brokerApi';
import { clientNotices } from './clientNotices';
import { brokerHandlers } from './handlers';
import type { FailurePhase } from './Connection';
import { KafkaServer } from './KafkaServer';
import { protocolCodec } from './protocolCodec';
import type { SaslSettings } from './services';
import { advertisedVersions } from './unsupportedVersion';

export interface WireServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Host clients are told to connect to (metadata, coordinator); defaults to the bound host. */
  advertisedHost?: string;
  nodeId?: number;
  clusterId?: string;
  sasl?: SaslSettings | null;
  maxRequestBytes?: number;
  /** Called when a connection is closed: for malformed input ('input') or a failure answering it ('handler'). */
  onConnectionError?: (remoteAddress: string, err: unknown, phase: FailurePhase) => void;
  /** Where notices about what clients asked for go (e.g. a refused transactional producer), each once. */
  onNotice?: (message: string) => void;
}

/** A running Kafka-protocol listener in front of a broker engine. */
export interface WireServer {
  readonly host: string;
  readonly port: number;
  readonly connectionCount: number;
  close(graceMs?: number): Promise<void>;
}

/** Binds the Kafka wire protocol to `broker` and starts listening. */
export async function startWireServer(broker: BrokerApi, opts: WireServerOptions = {}): Promise<WireServer> {
  const host = opts.host ?? DEFAULT_BROKER_CONFIG.host;
  const services: BrokerServices = {
    broker,
    advertisedVersions: () => advertisedVersions(server.handlerTable),
    sasl: opts.sasl ?? null,
    advertisedHost: opts.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? DEFAULT_BROKER_CONFIG.host : host),
    advertisedPort: opts.port ?? DEFAULT_BROKER_CONFIG.port,
    nodeId: opts.nodeId ?? DEFAULT_BROKER_CONFIG.nodeId,
    clusterId: opts.clusterId ?? 'bindery-cluster',
    notices: clientNotices(opts.onNotice ?? (() => undefined)),
  };
  const server: KafkaServer<BrokerServices> = new KafkaServer<BrokerServices>({
    codec: protocolCodec,
    handlers: brokerHandlers,
    services,
    host,
    port: opts.port ?? DEFAULT_BROKER_CONFIG.port,
    maxRequestBytes: opts.maxRequestBytes,
    authRequired: !!opts.sasl,
    onConnectionError: opts.onConnectionError ? (c, err, phase) => opts.onConnectionError?.(c.remoteAddress, err, phase) : undefined,
  });
  const bound = await server.listen();
  services.advertisedPort = bound.port;
  return {
    host: bound.host,
    port: bound.port,
    get connectionCount() {
      return server.connectionCount;
    },
    close: (graceMs?: number) => server.close(graceMs),
  };
}
