import { DEFAULT_BROKER_CONFIG } from '../../broker/config/BrokerConfig';
import { Registry } from 'prom-client';
import { BrokerMetrics } from '../../broker/metrics';
import { runBroker } from '../../broker/server/runBroker';
import { startMetricsServer, type MetricsServer } from '../../management/metricsServer';
import { intOpt, keyValues, parseOptions, stringOpt, UsageError, type CliIO } from '../args';

const SPEC = {
  host: { type: 'string' },
  port: { type: 'string' },
  'advertised-host': { type: 'string' },
  'data-dir': { type: 'string' },
  memory: { type: 'boolean' },
  partitions: { type: 'string' },
  'no-auto-create-topics': { type: 'boolean' },
  'sasl-plain-user': { type: 'string', multiple: true },
  config: { type: 'string', multiple: true },
  'fetch-log-read-max-bytes': { type: 'string' },
  'group-initial-rebalance-delay-ms': { type: 'string' },
  verbose: { type: 'boolean' },
  'metrics-port': { type: 'string' },
} as const;

/** Runs a broker until SIGINT/SIGTERM, then shuts it down cleanly. */
export async function brokerCommand(argv: string[], io: CliIO, until?: Promise<void>): Promise<number> {
  const { values } = parseOptions(argv, SPEC);
  const users: Record<string, string> = {};
  for (const u of (values['sasl-plain-user'] as string[] | undefined) ?? []) {
    const colon = u.indexOf(':');
    if (colon <= 0) throw new UsageError(`--sasl-plain-user expects user:password, got '${u}'`);
    users[u.slice(0, colon)] = u.slice(colon + 1);
  }
  const memory = values.memory === true;
  const verbose = values.verbose === true;
  const dataDir = stringOpt(values, 'data-dir') ?? './data';
  const rebalanceDelayMs = intOpt(values, 'group-initial-rebalance-delay-ms', 0);
  if (rebalanceDelayMs < 0) throw new UsageError(`--group-initial-rebalance-delay-ms must be 0 or more, got ${rebalanceDelayMs}`);
  const host = stringOpt(values, 'host') ?? '127.0.0.1';
  const metricsPort = values['metrics-port'] === undefined ? undefined : intOpt(values, 'metrics-port', 0);
  if (metricsPort !== undefined && (metricsPort < 0 || metricsPort > 65535)) throw new UsageError(`--metrics-port must be a port number (0 = any free port), got ${metricsPort}`);
  const metrics = metricsPort === undefined ? undefined : new BrokerMetrics(new Registry());
  const running = await runBroker({
    host,
    port: intOpt(values, 'port', 9092),
    advertisedHost: stringOpt(values, 'advertised-host'),
    dataDir,
    memory,
    config: {
      numPartitions: intOpt(values, 'partitions', 1),
      autoCreateTopicsEnable: values['no-auto-create-topics'] !== true,
      topicDefaults: keyValues(values, 'config'),
      fetchLogReadMaxBytes: intOpt(values, 'fetch-log-read-max-bytes', DEFAULT_BROKER_CONFIG.fetchLogReadMaxBytes),
    },
    // 0, as in the server.properties Kafka ships ("a better out-of-the-box experience for development
    // and testing"): a new group forms at once instead of waiting 3 s for more members.
    groupConfig: { initialRebalanceDelayMs: rebalanceDelayMs },
    sasl: Object.keys(users).length > 0 ? { mechanisms: ['PLAIN'], plainUsers: users } : null,
    onConnectionError: (remote, err, phase) => {
      // Malformed input is the client's problem and may come in floods: only shown with --verbose.
      if (phase === 'handler' || verbose) io.err(`connection ${remote} closed (${phase}): ${err instanceof Error ? err.message : String(err)}`);
    },
    metrics,
  });
  let metricsServer: MetricsServer | undefined;
  if (metrics && metricsPort !== undefined) {
    try {
      metricsServer = await startMetricsServer(metrics.registry, { host, port: metricsPort, setting: '--metrics-port' });
    } catch (error) {
      await running.stop();
      throw error;
    }
  }
  io.out(`bindery broker listening on ${running.host}:${running.port} (${memory ? 'in memory' : `data dir ${dataDir}`})`);
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
