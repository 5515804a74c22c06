import { DEFAULT_BROKER_CONFIG } from '../../broker/config/BrokerConfig';
import { DEFAULT_GROUP_COORDINATOR_CONFIG } from '../../broker/group/config';
import { DEFAULT_DATA_DIR, runBroker, type RunBrokerOptions } from '../../broker/server/runBroker';
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
  'log-retention-check-interval-ms': { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

/** Runs a broker until SIGINT/SIGTERM, then shuts it down cleanly. */
export async function brokerCommand(argv: string[], io: CliIO, until?: Promise<void>): Promise<number> {
  const options = brokerOptions(argv, io);
  const running = await runBroker(options);
  io.out(`bindery broker listening on ${running.host}:${running.port} (${options.memory ? 'in memory' : `data dir ${options.dataDir}`})`);
  await (until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }));
  await running.stop();
  io.out('bindery broker stopped');
  return 0;
}

/** What `bindery broker <argv>` runs: the options given, the declared defaults for the rest. */
export function brokerOptions(argv: string[], io: CliIO): RunBrokerOptions & { dataDir: string } {
  const { values } = parseOptions(argv, SPEC);
  const users: Record<string, string> = {};
  for (const u of (values['sasl-plain-user'] as string[] | undefined) ?? []) {
    const colon = u.indexOf(':');
    if (colon <= 0) throw new UsageError(`--sasl-plain-user expects user:password, got '${u}'`);
    users[u.slice(0, colon)] = u.slice(colon + 1);
  }
  const memory = values.memory === true;
  const verbose = values.verbose === true;
  const dataDir = stringOpt(values, 'data-dir') ?? DEFAULT_DATA_DIR;
  const rebalanceDelayMs = intOpt(values, 'group-initial-rebalance-delay-ms', DEFAULT_GROUP_COORDINATOR_CONFIG.initialRebalanceDelayMs);
  if (rebalanceDelayMs < 0) throw new UsageError(`--group-initial-rebalance-delay-ms must be 0 or more, got ${rebalanceDelayMs}`);
  const retentionCheckMs = intOpt(values, 'log-retention-check-interval-ms', DEFAULT_BROKER_CONFIG.logRetentionCheckIntervalMs);
  if (retentionCheckMs < 1) throw new UsageError(`--log-retention-check-interval-ms must be 1 or more, got ${retentionCheckMs}`);
  return {
    host: stringOpt(values, 'host') ?? DEFAULT_BROKER_CONFIG.host,
    port: intOpt(values, 'port', DEFAULT_BROKER_CONFIG.port),
    advertisedHost: stringOpt(values, 'advertised-host'),
    dataDir,
    memory,
    config: {
      numPartitions: intOpt(values, 'partitions', DEFAULT_BROKER_CONFIG.numPartitions),
      autoCreateTopicsEnable: values['no-auto-create-topics'] !== true,
      topicDefaults: keyValues(values, 'config'),
      fetchLogReadMaxBytes: intOpt(values, 'fetch-log-read-max-bytes', DEFAULT_BROKER_CONFIG.fetchLogReadMaxBytes),
      logRetentionCheckIntervalMs: retentionCheckMs,
    },
    groupConfig: { initialRebalanceDelayMs: rebalanceDelayMs },
    sasl: Object.keys(users).length > 0 ? { mechanisms: ['PLAIN'], plainUsers: users } : null,
    onConnectionError: (remote, err, phase) => {
      // Malformed input is the client's problem and may come in floods: only shown with --verbose.
      if (phase === 'handler' || verbose) io.err(`connection ${remote} closed (${phase}): ${err instanceof Error ? err.message : String(err)}`);
    },
    onNotice: (message) => io.err(message),
  };
}
