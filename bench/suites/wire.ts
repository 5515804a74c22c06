/**
 * The Kafka wire protocol end to end: `bindery broker` (a child process, on disk) and Apache
 * Kafka 4.x (KRaft, one node, via scripts/kafka/kafka-node.js) side by side in one run, driven by
 * the same clients and workloads:
 * - wire-kafkajs-produce / wire-kafkajs-consume: kafkajs 2.2.4, 100-byte records.
 * - wire-java-produce / wire-java-consume: Kafka's ProducerPerformance / ConsumerPerformance.
 * - wire-startup and wire-peak-rss: time until the broker accepts connections, peak RSS after the run.
 * Each line: bindery=… kafka=… ratio=bindery÷kafka (higher is better for rates, lower for times).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Reporter } from '../report';
import type * as KafkaPaths from '../../scripts/kafka/paths';
import type * as KafkaNodeScript from '../../scripts/kafka/kafka-node';

/** The repository root, from sources (bench/suites) or from the build (dist/bench/suites). */
const ROOT = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..')].find((d) => fs.existsSync(path.join(d, 'bin', 'bindery.js'))) as string;
// Plain JS scripts outside the TypeScript build: loaded from the repository, not from dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { classpath, libsAvailable } = require(path.join(ROOT, 'scripts', 'kafka', 'paths.js')) as typeof KafkaPaths;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startKafka } = require(path.join(ROOT, 'scripts', 'kafka', 'kafka-node.js')) as typeof KafkaNodeScript;
type KafkaCluster = KafkaNodeScript.KafkaCluster;
const RECORD = Buffer.alloc(100, 'x');
const KAFKAJS_RECORDS = 200_000;
const KAFKAJS_BATCH = 1000;
const JAVA_RECORDS = 500_000;

interface Target {
  name: 'bindery' | 'kafka';
  bootstrap: string;
  pid: number;
  startupMs: number;
  stop(): Promise<void>;
}

async function startBindery(dataDir: string): Promise<Target> {
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'bindery.js'), 'broker', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bindery broker exited with ${code}: ${out}`)));
  });
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    name: 'bindery',
    bootstrap: `127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    startupMs,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function startApacheKafka(): Promise<Target> {
  const started = process.hrtime.bigint();
  const cluster: KafkaCluster = await startKafka({ size: 1, heapMb: 1024 });
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { name: 'kafka', bootstrap: cluster.brokers, pid: cluster.nodes[0].pid ?? 0, startupMs, stop: () => cluster.stop() };
}

/** Peak resident set (VmHWM) of a process, in MiB. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function p99(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

/** kafkajs: sequential sends of KAFKAJS_BATCH records (acks=-1); msg/s and p99 send latency. */
async function kafkajsProduce(t: Target, topic: string): Promise<{ rate: number; p99Ms: number }> {
  const kafka = new Kafka({ brokers: [t.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: KAFKAJS_BATCH }, () => ({ value: RECORD }));
  for (let i = 0; i < 20; i++) await producer.send({ topic, acks: -1, messages }); // warm-up
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  for (let sent = 0; sent < KAFKAJS_RECORDS; sent += KAFKAJS_BATCH) {
    const s = process.hrtime.bigint();
    await producer.send({ topic, acks: -1, messages });
    latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await producer.disconnect();
  return { rate: KAFKAJS_RECORDS / seconds, p99Ms: p99(latencies) };
}

/** kafkajs: a group consumer reading everything from the beginning; msg/s from first to last record. */
async function kafkajsConsume(t: Target, topic: string, expected: number): Promise<number> {
  const kafka = new Kafka({ brokers: [t.bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${topic}-${Date.now()}`, maxBytes: 10 << 20, maxBytesPerPartition: 10 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let first = 0n;
  let last = 0n;
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`kafkajs consumer on ${t.name} saw ${seen}/${expected} records`)), 300_000);
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          if (seen === 0) first = process.hrtime.bigint();
          seen += batch.messages.length;
          last = process.hrtime.bigint();
          if (seen >= expected) {
            clearTimeout(deadline);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen / (Number(last - first) / 1e9);
}

function java(mainClass: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('java', ['-Xmx512m', '-cp', classpath(), mainClass, ...args], { timeout: 600_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${mainClass} failed: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** ProducerPerformance, 100-byte records, unthrottled: records/s and p99 latency (ms). */
async function javaProduce(t: Target, topic: string): Promise<{ rate: number; p99Ms: number }> {
  const out = await java('org.apache.kafka.tools.ProducerPerformance', [
    '--topic', topic, '--num-records', String(JAVA_RECORDS), '--record-size', '100', '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${t.bootstrap}`, 'acks=all', 'linger.ms=5', 'batch.size=65536',
  ]);
  const summary = out.trim().split('\n').pop() ?? '';
  const rate = Number(/([\d.]+) records\/sec/.exec(summary)?.[1]);
  const p99Ms = Number(/([\d.]+) ms 99th/.exec(summary)?.[1]);
  return { rate, p99Ms };
}

/** ConsumerPerformance: fetch.nMsg.sec (records/s excluding the group join). */
async function javaConsume(t: Target, topic: string): Promise<number> {
  const out = await java('org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', t.bootstrap, '--topic', topic, '--messages', String(JAVA_RECORDS), '--timeout', '120000']);
  const data = out.trim().split('\n').pop() ?? '';
  return Number(data.split(',')[9]);
}

interface Figures {
  startupMs: number;
  kafkajsProduce: { rate: number; p99Ms: number };
  kafkajsConsume: number;
  javaProduce?: { rate: number; p99Ms: number };
  javaConsume?: number;
  peakRssMiB: number;
}

async function measure(t: Target, withJava: boolean): Promise<Figures> {
  const kp = await kafkajsProduce(t, 'bench-kafkajs');
  const kc = await kafkajsConsume(t, 'bench-kafkajs', KAFKAJS_RECORDS + 20 * KAFKAJS_BATCH);
  const jp = withJava ? await javaProduce(t, 'bench-java') : undefined;
  const jc = withJava ? await javaConsume(t, 'bench-java') : undefined;
  return { startupMs: t.startupMs, kafkajsProduce: kp, kafkajsConsume: kc, javaProduce: jp, javaConsume: jc, peakRssMiB: peakRssMiB(t.pid) };
}

function line(report: Reporter, name: string, unit: string, bindery: number, kafka: number | undefined): void {
  report(name, { unit, bindery, kafka: kafka ?? 'n/a', ratio: kafka ? bindery / kafka : 'n/a' });
}

export async function run(report: Reporter): Promise<void> {
  const withKafka = libsAvailable();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-wire-bench-'));
  let ours: Figures;
  const bindery = await startBindery(dataDir);
  try {
    ours = await measure(bindery, withKafka);
  } finally {
    await bindery.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  let theirs: Figures | undefined;
  if (withKafka) {
    const kafka = await startApacheKafka();
    try {
      theirs = await measure(kafka, true);
    } finally {
      await kafka.stop();
    }
  } else {
    console.log('# wire: Apache Kafka jars missing (node scripts/kafka/fetch.js): bindery figures only');
  }
  line(report, 'wire-kafkajs-produce', 'msg/s', ours.kafkajsProduce.rate, theirs?.kafkajsProduce.rate);
  line(report, 'wire-kafkajs-produce-p99', 'ms', ours.kafkajsProduce.p99Ms, theirs?.kafkajsProduce.p99Ms);
  line(report, 'wire-kafkajs-consume', 'msg/s', ours.kafkajsConsume, theirs?.kafkajsConsume);
  if (ours.javaProduce && ours.javaConsume !== undefined) {
    line(report, 'wire-java-produce', 'msg/s', ours.javaProduce.rate, theirs?.javaProduce?.rate);
    line(report, 'wire-java-produce-p99', 'ms', ours.javaProduce.p99Ms, theirs?.javaProduce?.p99Ms);
    line(report, 'wire-java-consume', 'msg/s', ours.javaConsume, theirs?.javaConsume);
  }
  line(report, 'wire-startup', 'ms', ours.startupMs, theirs?.startupMs);
  line(report, 'wire-peak-rss', 'MiB', ours.peakRssMiB, theirs?.peakRssMiB);
}
