/**
 * Request-reply round trips through Bindery.create apps (the public API): a Requester sends a
 * small JSON request, a @KafkaListener returns the reply, the Requester resolves. Closed loop
 * with a fixed number of requests in flight (1, then 16) for a fixed time after a warm-up;
 * reported: round trips per second and p50/p99 of the round trip. The same workloads on the
 * native binder (its broker on a temp dir) and on the kafka binder against Apache Kafka started
 * in the same run → ratio_native_vs_kafka.
 * BINDERY_BENCH_KAFKA=0 skips the Kafka half; BINDERY_BENCH_RR_SECONDS sets the measured time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import type { Reporter } from '../report';
import { Bindery, KafkaListener, Payload, Requester, silentLogger } from '../../src';
import type { KafkaCluster } from '../../scripts/kafka/kafka-node';

const IN_FLIGHT = [1, 16];
const WARMUP_MS = 1000;
const MEASURE_MS = Number(process.env.BINDERY_BENCH_RR_SECONDS ?? 5) * 1000;
const REQUEST_TIMEOUT_MS = 30000;
const TOPIC = `bench.rr.${Date.now()}`;

class Replier {
  @KafkaListener({ id: 'bench-replier', topics: TOPIC, groupId: 'bench-replier' })
  answer(@Payload() request: { seq: number; pad: string }): { seq: number } {
    return { seq: request.seq };
  }
}

interface Figures {
  round_trips_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** `inFlight` loops, each sending its next request when the previous reply came, until `ms` elapsed. */
async function closedLoop(requester: Requester, inFlight: number, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  let seq = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const started = performance.now();
      await requester.request(TOPIC, { seq: seq++, pad: 'x'.repeat(64) }, { key: String(seq % 64), timeoutMs: REQUEST_TIMEOUT_MS });
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return latencies;
}

async function measure(binder: string, properties: Record<string, unknown>): Promise<Map<number, Figures>> {
  const app = await Bindery.create({
    services: [Replier],
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
    config: { binder, binders: { [binder]: properties }, bindings: { 'bench-replier': { consumer: { partitionCount: 4, ackMode: 'batch', maxAttempts: 1 } } } },
  });
  await app.start();
  const out = new Map<number, Figures>();
  try {
    const requester = app.get(Requester);
    await closedLoop(requester, 4, WARMUP_MS);
    for (const inFlight of IN_FLIGHT) {
      const started = performance.now();
      const latencies = await closedLoop(requester, inFlight, MEASURE_MS);
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      out.set(inFlight, {
        round_trips_per_s: Math.round(latencies.length / seconds),
        p50_ms: Number(percentile(latencies, 0.5).toFixed(3)),
        p99_ms: Number(percentile(latencies, 0.99).toFixed(3)),
      });
    }
  } finally {
    await app.close();
  }
  return out;
}

interface KafkaScripts {
  startKafka(options?: { size?: number; jvm?: 'startup' | 'throughput' }): Promise<KafkaCluster>;
}

async function startKafka(): Promise<{ cluster: KafkaCluster; version: string } | { reason: string }> {
  const root = path.resolve(__dirname, '..', '..', '..');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fetchKafka } = require(path.join(root, 'scripts', 'kafka', 'fetch.js')) as { fetchKafka(): unknown };
    fetchKafka();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const scripts = require(path.join(root, 'scripts', 'kafka', 'kafka-node.js')) as KafkaScripts;
    const cluster = await scripts.startKafka({ size: 1, jvm: 'throughput' });
    const pom = fs.readFileSync(path.join(root, 'scripts', 'kafka', 'pom.xml'), 'utf8');
    return { cluster, version: process.env.KAFKA_VERSION ?? /<kafka\.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown' };
  } catch (error) {
    return { reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

export async function run(report: Reporter): Promise<void> {
  const kafka = process.env.BINDERY_BENCH_KAFKA === '0' ? { reason: 'BINDERY_BENCH_KAFKA=0' } : await startKafka();
  if ('reason' in kafka) console.log(`# requestReply: Apache Kafka could not be started (${kafka.reason}); native figures only`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-bench-rr-'));
  try {
    const native = await measure('native', { dataDir });
    const other = 'reason' in kafka ? undefined : await measure('kafka', { brokers: kafka.cluster.brokers, logLevel: 'nothing' });
    for (const inFlight of IN_FLIGHT) {
      const n = native.get(inFlight)!;
      report(`request-reply-native-${inFlight}-in-flight`, { binder: 'native', in_flight: inFlight, ...n, load: Number(os.loadavg()[0].toFixed(2)) });
      const k = other?.get(inFlight);
      if (!k || 'reason' in kafka) continue;
      report(`request-reply-kafka-${inFlight}-in-flight`, {
        binder: 'kafka',
        kafka: kafka.version,
        in_flight: inFlight,
        ...k,
        ratio_native_vs_kafka: Number((n.round_trips_per_s / k.round_trips_per_s).toFixed(2)),
        p99_ratio_kafka_vs_native: Number((k.p99_ms / n.p99_ms).toFixed(2)),
        load: Number(os.loadavg()[0].toFixed(2)),
      });
    }
  } finally {
    if (!('reason' in kafka)) await kafka.cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
