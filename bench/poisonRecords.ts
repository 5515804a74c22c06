/**
 * One poison record in every 1,000 on a 3-partition topic (concurrency 3, native binder): the
 * main topic's throughput with no failures, with retry topics (3 attempts, 1 s apart: the poison
 * records go on to the retry topics and the dead-letter topic while their partitions move on) and
 * with in-place retries (each poison record holds its partition through both backoffs)
 * → ratio_retry_topics_vs_none, ratio_in_place_vs_none. BINDERY_BENCH_POISON_MESSAGES sets the count.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import type { Reporter } from './report';
import { Bindery, Context, EnableBinding, Payload, RecordContext, Sink, StreamListener, silentLogger, type ConsumerConfig } from '../src';

const PARTITIONS = 3;
const POISON_EVERY = 1000;
const WINDOW = 5000;
const PAD = 'x'.repeat(64);

/** Records of the main topic handled, and waiters for a count. */
class MainTopicProbe {
  handled = 0;
  lastAt = 0;
  topic = '';
  /** false: the run with no failures (the poison records are handled like the others). */
  poisonous = true;
  private waiter: { until: number; resolve: () => void } | undefined;

  record(): void {
    this.handled++;
    this.lastAt = performance.now();
    if (this.waiter && this.handled >= this.waiter.until) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  }

  waitFor(count: number, timeoutMs = 600000): Promise<void> {
    if (this.handled >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.handled} of ${count} records handled within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = { until: count, resolve: () => (clearTimeout(timer), resolve()) };
    });
  }
}

@EnableBinding(Sink)
class PoisonedListener {
  constructor(private readonly probe: MainTopicProbe) {}

  @StreamListener(Sink.INPUT)
  onMessage(@Payload() message: { seq: number }, @Context() context: RecordContext): void {
    if (this.probe.poisonous && message.seq % POISON_EVERY === POISON_EVERY - 1) throw new Error(`poison ${message.seq}`);
    if (context.topic === this.probe.topic) this.probe.record();
  }
}

/** Main-topic records handled per second, from the first send until the last good record was handled. */
async function mainTopicThroughput(dataDir: string, label: string, retry: ConsumerConfig | undefined, messages: number): Promise<number> {
  const probe = new MainTopicProbe();
  probe.topic = `bench.poison.${label}.${Date.now()}`;
  probe.poisonous = retry !== undefined;
  const app = await Bindery.create({
    services: [PoisonedListener, { provide: MainTopicProbe, useValue: probe }],
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
    config: {
      binder: 'native',
      binders: { native: { dataDir, shared: false } },
      default: { producer: { partitionCount: PARTITIONS } },
      bindings: { input: { destination: probe.topic, group: 'bench', consumer: { concurrency: PARTITIONS, partitionCount: PARTITIONS, ...(retry ?? { maxAttempts: 1 }) } } },
    },
  });
  try {
    await app.start();
    const good = probe.poisonous ? messages - Math.floor(messages / POISON_EVERY) : messages;
    const start = performance.now();
    for (let seq = 0; seq < messages; seq++) {
      if (seq - probe.handled >= WINDOW) await probe.waitFor(seq - WINDOW / 2);
      void app.send(probe.topic, { seq, pad: PAD }, { key: `k${seq % 64}` });
    }
    await probe.waitFor(good);
    return good / ((probe.lastAt - start) / 1000);
  } finally {
    await app.close();
  }
}

export async function poisonRecords(report: Reporter): Promise<void> {
  const messages = Number(process.env.BINDERY_BENCH_POISON_MESSAGES ?? 30000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-bench-poison-'));
  const backoff = { maxAttempts: 3, backOffInitialInterval: 1000, backOffMultiplier: 1 };
  try {
    // Warm up first: the first app of the process runs on cold code.
    await mainTopicThroughput(dataDir, 'warmup', undefined, Math.min(5000, messages));
    const none = await mainTopicThroughput(dataDir, 'none', undefined, messages);
    const topics = await mainTopicThroughput(dataDir, 'topics', { retry: 'topics', ...backoff }, messages);
    const inPlace = await mainTopicThroughput(dataDir, 'in-place', backoff, messages);
    report('framework-native-poison-records', {
      partitions: PARTITIONS,
      messages,
      poison_every: POISON_EVERY,
      no_failures_msgs_per_s: Math.round(none),
      retry_topics_msgs_per_s: Math.round(topics),
      in_place_msgs_per_s: Math.round(inPlace),
      ratio_retry_topics_vs_none: Number((topics / none).toFixed(2)),
      ratio_in_place_vs_none: Number((inPlace / none).toFixed(2)),
      load_avg_1m: Number(os.loadavg()[0].toFixed(2)),
    });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
