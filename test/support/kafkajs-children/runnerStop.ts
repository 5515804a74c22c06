/**
 * Worker thread for test/unit/binder/kafka/consumerStopFix.test.ts: drives kafkajs' own consumer
 * Runner and FetchManager through a stop that lands while the fetchers are being rebuilt for a
 * changed set of brokers. Posts 'stopped' once Runner.stop() resolves. If kafkajs' fetchers spin,
 * this thread's event loop never turns again and nothing is posted: the test bounds the wait.
 *
 * workerData: { fixed: boolean } — whether to install the kafka binder's fix first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { installConsumerStopFix } from '../../../src/binder/kafka/consumerStopFix';

interface Runner {
  start(): Promise<void>;
  stop(): Promise<void>;
}
type RunnerClass = new (options: Record<string, unknown>) => Runner;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Runner = require('kafkajs/src/consumer/runner') as RunnerClass;
if ((workerData as { fixed: boolean }).fixed) installConsumerStopFix();

const silent = { namespace: () => silent, debug() {}, info() {}, warn() {}, error() {} };

/** A consumer group whose fetches (long polls) answer only when the scenario releases them. */
let nodeIds = ['1', '2'];
const pendingFetches = new Map<string, (batches: unknown[]) => void>();
let bothFetching!: () => void;
const bothFetchingNow = new Promise<void>((resolve) => (bothFetching = resolve));
const group = {
  groupId: 'runner-stop',
  memberId: 'member-1',
  connect: async () => {},
  joinAndSync: async () => {},
  leave: async () => {},
  heartbeat: async () => {},
  getNodeIds: () => nodeIds,
  fetch: (nodeId: string) =>
    new Promise<unknown[]>((resolve) => {
      pendingFetches.set(nodeId, resolve);
      if (pendingFetches.size === 2) bothFetching();
    }),
};

function release(nodeId: string): void {
  const resolve = pendingFetches.get(nodeId);
  pendingFetches.delete(nodeId);
  resolve?.([]);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function scenario(): Promise<void> {
  const runner = new Runner({
    logger: silent,
    consumerGroup: group,
    instrumentationEmitter: { emit() {} },
    concurrency: 1,
    eachBatch: async () => {},
    heartbeatInterval: 3000,
    onCrash: (error: Error) => parentPort!.postMessage({ crashed: error.message }),
    retry: { retries: 0 },
  });
  await runner.start();
  await bothFetchingNow;
  // Broker 2 leaves the cluster: its fetcher's next round finds the broker set changed, and the
  // fetch manager waits for broker 1's fetcher to finish before building new fetchers.
  nodeIds = ['1'];
  release('2');
  await nextTurn();
  // The consumer is stopped in that window; then broker 1's long poll answers.
  const stopped = runner.stop();
  release('1');
  await stopped;
  parentPort!.postMessage('stopped');
}

scenario().catch((error: Error) => parentPort!.postMessage({ failed: error.stack ?? error.message }));
