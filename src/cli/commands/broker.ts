import { Registry } from 'prom-client';
import { DEFAULT_BROKER_CONFIG, type BrokerConfig } from '../../broker/config/BrokerConfig';
import { DEFAULT_GROUP_COORDINATOR_CONFIG } from '../../broker/group/config';
import { BrokerMetrics } from '../../broker/metrics';
import { DEFAULT_DATA_DIR, runBroker, type RunBrokerOptions } from '../../broker/server/runBroker';
import { AdvertisedHostError, advertisedHostFor } from '../../broker/server/WireServer';
import { startMetricsServer, type MetricsServer } from '../../management/metricsServer';
import { bindWarnings, plainUsers, PLAIN_USERS_ENV } from './brokerSecurity';
import { intOpt, keyValues, parseOptions, stringOpt, UsageError, type CliIO } from '../args';
import { ConsoleLogger, logLevelFrom } from '../../logging';

const SPEC = {
  host: { type: 'string' },
  port: { type: 'string' },
  'advertised-host': { type: 'string' },
  'data-dir': { type: 'string' },
  memory: { type: 'boolean' },
  partitions: { type: 'string' },
  'no-auto-create-topics': { type: 'boolean' },
  'sasl-plain-user': { type: 'string', multiple: true },
  'sasl-plain-users-file': { type: 'string' },
  config: { type: 'string', multiple: true },
  'fetch-log-read-max-bytes': { type: 'string' },
  'queued-max-request-bytes': { type: 'string' },
  'max-response-bytes-per-connection': { type: 'string' },
  'connections-max-idle-ms': { type: 'string' },
  'request-frame-timeout-ms': { type: 'string' },
  'sasl-server-max-receive-size': { type: 'string' },
  'connection-failed-authentication-delay-ms': { type: 'string' },
  'group-initial-rebalance-delay-ms': { type: 'string' },
  'log-retention-check-interval-ms': { type: 'string' },
  'transaction-version': { type: 'string' },
  verbose: { type: 'boolean' },
  'metrics-port': { type: 'string' },
} as const;

/** The connection limits given on the command line (BrokerConfig keeps the defaults of the rest). */
function connectionLimits(values: Record<string, unknown>): Partial<BrokerConfig> {
  const flags = {
    'queued-max-request-bytes': 'queuedMaxRequestBytes',
    'max-response-bytes-per-connection': 'maxResponseBytesPerConnection',
    'connections-max-idle-ms': 'connectionsMaxIdleMs',
    'request-frame-timeout-ms': 'requestFrameTimeoutMs',
    'sasl-server-max-receive-size': 'saslServerMaxReceiveSize',
    'connection-failed-authentication-delay-ms': 'connectionFailedAuthenticationDelayMs',
  } as const;
  const limits: Partial<BrokerConfig> = {};
  for (const [flag, key] of Object.entries(flags)) {
    if (values[flag] !== undefined) limits[key] = intOpt(values, flag, DEFAULT_BROKER_CONFIG[key]);
  }
  return limits;
}

/** Runs a broker until SIGINT/SIGTERM, then shuts it down cleanly. */
export async function brokerCommand(argv: string[], io: CliIO, until?: Promise<void>): Promise<number> {
  const { metricsPort, ...options } = brokerOptions(argv, io);
  const running = await runBroker(options);
  let metricsServer: MetricsServer | undefined;
  if (options.metrics && metricsPort !== undefined) {
    try {
      metricsServer = await startMetricsServer(options.metrics.registry, { host: options.host ?? DEFAULT_BROKER_CONFIG.host, port: metricsPort, setting: '--metrics-port' });
    } catch (error) {
      await running.stop();
      throw error;
    }
  }
  io.out(`bindery broker listening on ${running.host}:${running.port} (${options.memory ? 'in memory' : `data dir ${options.dataDir}`})`);
  if (metricsServer) io.out(`metrics on http://${metricsServer.host}:${metricsServer.port}/metrics`);
  await (until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }));
  await metricsServer?.close();
  await running.stop();
  io.out('bindery broker stopped');
  return 0;
}

/** What `bindery broker <argv>` runs: the options given, the declared defaults for the rest. */
export function brokerOptions(argv: string[], io: CliIO): RunBrokerOptions & { dataDir: string; metricsPort: number | undefined } {
  const { values } = parseOptions(argv, SPEC);
  const { users, warnings } = plainUsers({
    argv: (values['sasl-plain-user'] as string[] | undefined) ?? [],
    file: stringOpt(values, 'sasl-plain-users-file'),
    env: process.env[PLAIN_USERS_ENV],
  });
  const host = stringOpt(values, 'host') ?? DEFAULT_BROKER_CONFIG.host;
  const advertisedHost = stringOpt(values, 'advertised-host');
  try {
    advertisedHostFor(host, advertisedHost);
  } catch (err) {
    if (err instanceof AdvertisedHostError) throw new UsageError(err.message);
    throw err;
  }
  const sasl = Object.keys(users).length > 0 ? { mechanisms: ['PLAIN'], plainUsers: users } : null;
  for (const w of [...warnings, ...bindWarnings(host, sasl !== null)]) io.err(w);
  const memory = values.memory === true;
  const verbose = values.verbose === true;
  const dataDir = stringOpt(values, 'data-dir') ?? DEFAULT_DATA_DIR;
  const rebalanceDelayMs = intOpt(values, 'group-initial-rebalance-delay-ms', DEFAULT_GROUP_COORDINATOR_CONFIG.initialRebalanceDelayMs);
  if (rebalanceDelayMs < 0) throw new UsageError(`--group-initial-rebalance-delay-ms must be 0 or more, got ${rebalanceDelayMs}`);
  const retentionCheckMs = intOpt(values, 'log-retention-check-interval-ms', DEFAULT_BROKER_CONFIG.logRetentionCheckIntervalMs);
  if (retentionCheckMs < 1) throw new UsageError(`--log-retention-check-interval-ms must be 1 or more, got ${retentionCheckMs}`);
  const transactionVersion = intOpt(values, 'transaction-version', DEFAULT_BROKER_CONFIG.transactionVersion);
  if (transactionVersion < 0 || transactionVersion > 2) throw new UsageError(`--transaction-version must be 0, 1 or 2, got ${transactionVersion}`);
  const metricsPort = values['metrics-port'] === undefined ? undefined : intOpt(values, 'metrics-port', 0);
  if (metricsPort !== undefined && (metricsPort < 0 || metricsPort > 65535)) throw new UsageError(`--metrics-port must be a port number (0 = any free port), got ${metricsPort}`);
  return {
    host,
    port: intOpt(values, 'port', DEFAULT_BROKER_CONFIG.port),
    advertisedHost,
    dataDir,
    memory,
    config: {
      numPartitions: intOpt(values, 'partitions', DEFAULT_BROKER_CONFIG.numPartitions),
      autoCreateTopicsEnable: values['no-auto-create-topics'] !== true,
      topicDefaults: keyValues(values, 'config'),
      fetchLogReadMaxBytes: intOpt(values, 'fetch-log-read-max-bytes', DEFAULT_BROKER_CONFIG.fetchLogReadMaxBytes),
      logRetentionCheckIntervalMs: retentionCheckMs,
      transactionVersion,
      ...connectionLimits(values),
    },
    groupConfig: { initialRebalanceDelayMs: rebalanceDelayMs },
    sasl,
    onConnectionError: (remote, err, phase) => {
      // Malformed input is the client's problem and may come in floods: only shown with --verbose.
      if (phase === 'handler' || verbose) io.err(`connection ${remote} closed (${phase}): ${err instanceof Error ? err.message : String(err)}`);
    },
    onNotice: (message) => io.err(message),
    logger: new ConsoleLogger(logLevelFrom(process.env), {}, (line) => io.err(line.replace(/\n$/, ''))),
    metrics: metricsPort === undefined ? undefined : new BrokerMetrics(new Registry()),
    metricsPort,
  };
}
