import { Broker } from '../Broker';
import { DEFAULT_BROKER_CONFIG, type BrokerConfig } from '../config/BrokerConfig';
import type { BrokerOpenOptions } from '../config/BrokerOpenOptions';
import { MemoryFileSystem } from '../storage';
import type { FailurePhase } from './Connection';
import type { SaslSettings } from './services';
import { advertisedHostFor, startWireServer, type WireServer } from './WireServer';
import type { BrokerMetrics } from '../metrics/BrokerMetrics';
import type { Logger } from '../../logging';

/** Where `runBroker` and `bindery broker` keep the log when no data directory is given. */
export const DEFAULT_DATA_DIR = './data';

export interface RunBrokerOptions {
  host?: string;
  port?: number;
  advertisedHost?: string;
  /** Where partition logs live; ignored with `memory`. */
  dataDir?: string;
  /** An ephemeral broker on an in-memory filesystem. */
  memory?: boolean;
  config?: Partial<BrokerConfig>;
  /** Group coordinator settings (group.initial.rebalance.delay.ms, session timeouts...). */
  groupConfig?: BrokerOpenOptions['groupConfig'];
  sasl?: SaslSettings | null;
  onConnectionError?: (remoteAddress: string, err: unknown, phase: FailurePhase) => void;
  /** Notices about what clients asked for that the broker refused, each written once. */
  onNotice?: (message: string) => void;
  /** The broker's metrics (`bindery broker --metrics-port`): traffic, requests, logs, groups, connections. */
  metrics?: BrokerMetrics;
  /** Where the engine reports what it recovers from; default: stderr at BINDERY_LOG_LEVEL. */
  logger?: Logger;
}

/** A broker engine with its Kafka listener: what `bindery broker` runs. */
export interface RunningBroker {
  readonly broker: Broker;
  readonly server: WireServer;
  readonly host: string;
  readonly port: number;
  /** Stops listening, answers what was received (long polls end early), closes the engine. */
  stop(): Promise<void>;
}

export async function runBroker(opts: RunBrokerOptions = {}): Promise<RunningBroker> {
  // Checked before the data directory is opened: a refused address leaves nothing to undo.
  const advertisedHost = advertisedHostFor(opts.host ?? DEFAULT_BROKER_CONFIG.host, opts.advertisedHost);
  const onLogFlushed = opts.metrics?.logFlushed;
  const broker = opts.memory
    ? await Broker.open({ fs: new MemoryFileSystem(), config: opts.config, groupConfig: opts.groupConfig, logger: opts.logger, onLogFlushed })
    : await Broker.open({ dataDir: opts.dataDir ?? DEFAULT_DATA_DIR, config: opts.config, groupConfig: opts.groupConfig, logger: opts.logger, onLogFlushed });
  let server: WireServer;
  try {
    const api = opts.metrics ? opts.metrics.api(broker) : broker;
    opts.metrics?.watchBroker(broker);
    server = await startWireServer(api, {
      host: opts.host,
      port: opts.port,
      advertisedHost: opts.advertisedHost,
      nodeId: broker.config.nodeId,
      clusterId: broker.clusterId,
      sasl: opts.sasl,
      fetchMaxBytes: broker.config.fetchMaxBytes,
      failedAuthenticationDelayMs: broker.config.connectionFailedAuthenticationDelayMs,
      limits: {
        queuedMaxRequestBytes: broker.config.queuedMaxRequestBytes,
        maxResponseBytesPerConnection: broker.config.maxResponseBytesPerConnection,
        connectionsMaxIdleMs: broker.config.connectionsMaxIdleMs,
        requestFrameTimeoutMs: broker.config.requestFrameTimeoutMs,
        saslServerMaxReceiveSize: broker.config.saslServerMaxReceiveSize,
      },
      onConnectionError: opts.onConnectionError,
      onNotice: opts.onNotice,
      metrics: opts.metrics,
    });
  } catch (err) {
    await broker.close();
    throw err;
  }
  broker.setAdvertisedListener(advertisedHost, server.port);
  let stopping: Promise<void> | null = null;
  return {
    broker,
    server,
    host: server.host,
    port: server.port,
    stop() {
      stopping ??= (async () => {
        // Stop reading requests first; closing the engine then completes parked long-poll fetches
        // and pending joins, so their answers go out before the connections end.
        const draining = server.close();
        await broker.close();
        await draining;
      })();
      return stopping;
    },
  };
}
