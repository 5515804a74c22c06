/**
 * The framework end to end: 100 B JSON payloads from app.send to the @StreamListener invocation,
 * through Bindery.create apps (the public API), on one partition with one member and on three
 * partitions with concurrency 3. Per workload: throughput runs (as fast as the app takes them,
 * at most WINDOW unconsumed; the best of THROUGHPUT_RUNS, native and Kafka alternating) and a
 * latency run at a fixed moderate rate.
 * The same workloads run on the native binder (its broker on a temp dir) and on the kafka binder
 * against Apache Kafka started in the same run (scripts/kafka) → ratio_native_vs_kafka.
 * Both use ackMode 'batch' (one commit per delivered batch) and maxAttempts 1.
 * BINDERY_BENCH_KAFKA=0 skips the Kafka half.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import type { Reporter } from '../report';
import { Bindery, EnableBinding, Payload, Sink, StreamListener, silentLogger, type BinderyOptions } from '../../src';
import type { KafkaCluster } from '../../scripts/kafka/kafka-node';
import { poisonRecords } from '../poisonRecords';

const PAD = 'x'.repeat(64);
const WINDOW = 5000;
const THROUGHPUT_MESSAGES = 60000;
/** Throughput runs per workload; the best counts (other processes share this machine's two cores). */
const THROUGHPUT_RUNS = 3;
const WARMUP_MESSAGES = 5000;
const LATENCY_RATE_PER_S = 1000;
const LATENCY_SECONDS = 4;
const TICK_MS = 5;

interface BenchMessage {
  t: number;
  seq: number;
  pad: string;
}

/** What the listener saw: counts and send→invocation latencies; waiters re-checked on every message. */
class Probe {
  received = 0;
  latencies: number[] = [];
  lastAt = 0;
  private waiters: { until: number; resolve: () => void; reject: (error: unknown) => void }[] = [];

  record(message: BenchMessage): void {
    this.lastAt = performance.now();
    this.latencies.push(this.lastAt - message.t);
    this.received++;
    if (this.waiters.length > 0 && this.waiters[0].until <= this.received) {
      const ready = this.waiters.filter((w) => w.until <= this.received);
      this.waiters = this.waiters.filter((w) => w.until > this.received);
      for (const w of ready) w.resolve();
    }
  }

  /** Resolves once `count` messages arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 120000): Promise<void> {
    if (this.received >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.received} of ${count} messages arrived within ${timeoutMs} ms`)), timeoutMs);
      const settle = (): void => clearTimeout(timer);
      this.waiters.push({ until: count, resolve: () => (settle(), resolve()), reject: (error) => (settle(), reject(error)) });
      this.waiters.sort((a, b) => a.until - b.until);
    });
  }

  /** A failed send fails the run at the next wait instead of timing out. */
  readonly fail = (error: unknown): void => {
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
  };

  reset(): void {
    this.received = 0;
    this.latencies = [];
  }
}

@EnableBinding(Sink)
class BenchListener {
  constructor(private readonly probe: Probe) {}

  @StreamListener(Sink.INPUT)
  onMessage(@Payload() message: BenchMessage): void {
    this.probe.record(message);
  }
}

export interface Workload {
  partitions: number;
  concurrency: number;
}

export const WORKLOADS: Workload[] = [
  { partitions: 1, concurrency: 1 },
  { partitions: 3, concurrency: 3 },
];

interface Figures {
  msgs_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function message(seq: number): BenchMessage {
  return { t: performance.now(), seq, pad: PAD };
}

async function throughput(app: Bindery, probe: Probe, topic: string, count: number): Promise<number> {
  probe.reset();
  const start = performance.now();
  for (let seq = 0; seq < count; seq++) {
    if (seq - probe.received >= WINDOW) await probe.waitFor(seq - WINDOW / 2);
    app.send(topic, message(seq), { key: `k${seq % 64}` }).catch(probe.fail);
  }
  await probe.waitFor(count);
  return count / ((probe.lastAt - start) / 1000);
}

async function latency(app: Bindery, probe: Probe, topic: string): Promise<{ p50: number; p99: number }> {
  probe.reset();
  const perTick = (LATENCY_RATE_PER_S * TICK_MS) / 1000;
  const ticks = (LATENCY_SECONDS * 1000) / TICK_MS;
  const start = performance.now();
  let seq = 0;
  for (let tick = 0; tick < ticks; tick++) {
    // Paced against the clock, so a slow tick does not lower the rate.
    const due = start + tick * TICK_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = 0; i < perTick; i++, seq++) app.send(topic, message(seq), { key: `k${seq % 64}` }).catch(probe.fail);
  }
  await probe.waitFor(seq);
  const sorted = [...probe.latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** One started app of a workload, with its listener's probe. */
export interface Subject {
  app: Bindery;
  probe: Probe;
  topic: string;
  best: number;
}

/** What an app of a workload observes: metrics, tracing (BinderyOptions'). */
export type Observing = Pick<BinderyOptions, 'metrics' | 'tracing'>;

export async function open(binder: string, properties: Record<string, unknown>, workload: Workload, observing: Observing = { metrics: false }): Promise<Subject> {
  const probe = new Probe();
  const topic = `bench.e2e.${binder}.${workload.partitions}p.${Date.now()}`;
  const app = await Bindery.create({
    services: [BenchListener, { provide: Probe, useValue: probe }],
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
    ...observing,
    config: {
      binder,
      binders: { [binder]: properties },
      default: { producer: { partitionCount: workload.partitions } },
      bindings: {
        input: {
          destination: topic,
          group: 'bench',
          consumer: { concurrency: workload.concurrency, partitionCount: workload.partitions, ackMode: 'batch', maxAttempts: 1 },
        },
      },
    },
  });
  try {
    await app.start();
    await throughput(app, probe, topic, WARMUP_MESSAGES);
  } catch (error) {
    await app.close();
    throw error;
  }
  return { app, probe, topic, best: 0 };
}

/**
 * Both binders' apps stay open and their throughput runs alternate, so load from other processes
 * falls on both alike; then each app's latency run.
 */
export async function measure(subjects: Subject[]): Promise<Figures[]> {
  for (let i = 0; i < THROUGHPUT_RUNS; i++) {
    for (const s of subjects) s.best = Math.max(s.best, await throughput(s.app, s.probe, s.topic, THROUGHPUT_MESSAGES));
  }
  const figures: Figures[] = [];
  for (const s of subjects) {
    const { p50, p99 } = await latency(s.app, s.probe, s.topic);
    figures.push({ msgs_per_s: Math.round(s.best), p50_ms: p50, p99_ms: p99 });
  }
  return figures;
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
    return { cluster, version: process.env.KAFKA_VERSION ?? kafkaVersion(root) };
  } catch (error) {
    return { reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

function kafkaVersion(root: string): string {
  const pom = fs.readFileSync(path.join(root, 'scripts', 'kafka', 'pom.xml'), 'utf8');
  return /<kafka\.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown';
}

/** Other processes on the machine skew every figure: the load is reported with them. */
export function loadAverage(): number {
  return Number(os.loadavg()[0].toFixed(2));
}

export async function run(report: Reporter): Promise<void> {
  // Kafka first, so both binders run while the same processes share the machine.
  const kafka = process.env.BINDERY_BENCH_KAFKA === '0' ? { reason: 'BINDERY_BENCH_KAFKA=0' } : await startKafka();
  if ('reason' in kafka) console.log(`# framework: Apache Kafka could not be started (${kafka.reason}); native figures only`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-bench-framework-'));
  try {
    for (const w of WORKLOADS) {
      const subjects = [await open('native', { dataDir, shared: false }, w)];
      try {
        if (!('reason' in kafka)) subjects.push(await open('kafka', { brokers: kafka.cluster.brokers, logLevel: 'nothing' }, w));
        const [native, other] = await measure(subjects);
        const workload = { partitions: w.partitions, concurrency: w.concurrency };
        report('framework-native-e2e', { ...workload, ...native, latency_rate_per_s: LATENCY_RATE_PER_S, load_avg_1m: loadAverage() });
        if (!other || 'reason' in kafka) continue;
        report('framework-kafka-e2e', {
          ...workload,
          ...other,
          latency_rate_per_s: LATENCY_RATE_PER_S,
          kafka: kafka.version,
          ratio_native_vs_kafka: Number((native.msgs_per_s / other.msgs_per_s).toFixed(2)),
          p50_ratio_kafka_vs_native: Number((other.p50_ms / native.p50_ms).toFixed(2)),
          load_avg_1m: loadAverage(),
        });
      } finally {
        await Promise.all(subjects.map((s) => s.app.close()));
      }
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (!('reason' in kafka)) await kafka.cluster.stop();
  }
  await poisonRecords(report);
}
