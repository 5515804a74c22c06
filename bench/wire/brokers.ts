/**
 * The two brokers of the wire benchmark, each as a separate process on loopback:
 * `bindery broker` (the compiled CLI, on a fresh data dir) and Apache Kafka 4.x (one KRaft node
 * from scripts/kafka/kafka-node.js with the JVM's normal flags: tiered JIT, G1, 1 GiB heap).
 * Start-up is measured the same way for both: from spawning the broker process until it answers
 * a Metadata request (polled every few ms on a fresh connection).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as KafkaPaths from '../../scripts/kafka/paths';
import type * as KafkaNodeScript from '../../scripts/kafka/kafka-node';

/** The repository root, from sources (bench/wire) or from the build (dist/bench/wire). */
export const ROOT = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..')].find((d) =>
  fs.existsSync(path.join(d, 'bin', 'bindery.js')),
) as string;
// Plain JS scripts outside the TypeScript build: loaded from the repository, not from dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const kafkaPaths = require(path.join(ROOT, 'scripts', 'kafka', 'paths.js')) as typeof KafkaPaths;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaNode = require(path.join(ROOT, 'scripts', 'kafka', 'kafka-node.js')) as typeof KafkaNodeScript;

export const KAFKA_HEAP_MB = 1024;
const POLL_MS = 5;

export interface Broker {
  readonly name: 'bindery' | 'kafka';
  readonly bootstrap: string;
  /** The broker process (for Kafka: the JVM, not its guard). */
  readonly pid: number;
  /** Spawn until the first answered Metadata request. */
  readonly startupMs: number;
  /** Extra start-up facts (Kafka: the first start including storage format). */
  readonly startupExtra: Record<string, number>;
  /** Null while the broker process runs; once it is gone, how it ended and its last output. */
  exitReport(): string | null;
  stop(): Promise<void>;
}

/** Peak resident set (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+)\s*kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls Metadata until answered; the time it took since `since` (hrtime ns), in ms. */
async function untilMetadata(port: number, since: bigint, timeoutMs: number, gone: () => string | null): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const exit = gone();
    if (exit) throw new Error(`broker exited while starting: ${exit}`);
    try {
      if ((await kafkaNode.metadataBrokerIds(port)).length > 0) return Number(process.hrtime.bigint() - since) / 1e6;
      last = 'Metadata lists no broker yet';
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`no Metadata answer on 127.0.0.1:${port} within ${timeoutMs} ms (${last})`);
}

/** Every bindery child still running, so an interrupted run does not leave one behind. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => liveChildren.forEach((c) => c.kill('SIGKILL')));

/**
 * `bindery broker --data-dir <fresh>`; `nodeArgs` go to node itself (e.g. --cpu-prof).
 * The broker's stderr is kept (last 8 KiB) for failure reports.
 */
export async function startBindery(nodeArgs: string[] = []): Promise<Broker & { output(): string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-wire-bench-'));
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin', 'bindery.js'), 'broker', '--port', String(port), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let output = '';
  const keep = (d: Buffer): void => void (output = (output + d.toString()).slice(-8192));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exit: string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = `${code ?? signal}: ${output}`;
      liveChildren.delete(child);
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (exit === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const startupMs = await untilMetadata(port, started, 60000, () => exit);
    return { name: 'bindery', bootstrap: `127.0.0.1:${port}`, pid: child.pid ?? 0, startupMs, startupExtra: {}, exitReport: () => exit, stop, output: () => output };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Apache Kafka, one KRaft node with production JVM flags. The measured start-up is a restart of
 * the formatted node (spawn of the JVM until Metadata answers); the first start, which also runs
 * the storage format tool in its own JVM, is reported as startup_ms_kafka_first.
 */
export async function startApacheKafka(): Promise<Broker> {
  const firstStart = process.hrtime.bigint();
  const cluster = await kafkaNode.startKafka({ size: 1, heapMb: KAFKA_HEAP_MB, jvm: 'throughput' });
  const firstMs = Number(process.hrtime.bigint() - firstStart) / 1e6;
  try {
    const node = cluster.nodes[0];
    await node.stop();
    const started = process.hrtime.bigint();
    const restarted = node.restart();
    let failed: string | null = null;
    restarted.catch((e: Error) => (failed = e.message));
    const startupMs = await untilMetadata(node.port, started, 120000, () => failed);
    await restarted;
    const pid = node.pid;
    if (!pid) throw new Error('the Kafka JVM pid is unknown');
    const exitReport = (): string | null => (processAlive(pid) ? null : `the Kafka JVM (pid ${pid}) is gone:\n${node.logTail()}`);
    return { name: 'kafka', bootstrap: cluster.brokers, pid, startupMs, startupExtra: { startup_ms_kafka_first: firstMs }, exitReport, stop: () => cluster.stop() };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
