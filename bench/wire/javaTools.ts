/**
 * Apache Kafka's own load tools, org.apache.kafka.tools.ProducerPerformance and
 * ConsumerPerformance, run with `java -cp <Kafka 4.x jars>` against any bootstrap address, and
 * their summaries parsed.
 */
import { execFile } from 'node:child_process';
import { kafkaPaths } from './brokers';

export interface ProducerFigures {
  recordsPerS: number;
  mbPerS: number;
  avgMs: number;
  p99Ms: number;
}

export interface ConsumerFigures {
  recordsPerS: number;
  mbPerS: number;
}

/** A failed tool run: the exact command and its output, for whoever fixes the broker. */
export class ToolRunError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
    cause: string,
  ) {
    super(`${cause}\n$ ${command}\n${output.slice(-4000)}`);
  }
}

const TOOL_TIMEOUT_MS = 180_000;

/** The command as one can paste it in the repository root. */
function commandLine(mainClass: string, args: string[]): string {
  return `java -Xmx512m -cp '.kafka/libs/*' ${mainClass} ${args.join(' ')}`;
}

function runTool(mainClass: string, args: string[]): Promise<string> {
  const javaArgs = ['-Xmx512m', '-cp', kafkaPaths.classpath(), mainClass, ...args];
  const shown = commandLine(mainClass, args);
  return new Promise((resolve, reject) => {
    execFile('java', javaArgs, { timeout: TOOL_TIMEOUT_MS, maxBuffer: 16 << 20, killSignal: 'SIGKILL' }, (err, stdout, stderr) =>
      err ? reject(new ToolRunError(shown, `${stdout}${stderr}`, `${mainClass} failed (${err.code ?? err.signal ?? err.message})`)) : resolve(`${stdout}${stderr}`),
    );
  });
}

export interface ProduceRun {
  topic: string;
  records: number;
  recordSize: number;
  /** 'all' (= -1) or '1'. */
  acks: 'all' | '1';
  /** Records/s cap; -1 = as fast as the producer goes. */
  throughput?: number;
  /** A transactional producer (--transactional-id), committing every transactionDurationMs. */
  transactional?: { transactionalId: string; transactionDurationMs: number };
}

/**
 * ProducerPerformance with the producer's defaults (linger.ms 5, batch.size 16 KiB; idempotent
 * with acks=all, plain with acks=1). Its last summary line:
 * "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, … P ms 99th, …".
 */
export async function producerPerformance(bootstrap: string, run: ProduceRun): Promise<ProducerFigures> {
  const args = ['--topic', run.topic, '--num-records', String(run.records), '--record-size', String(run.recordSize), '--throughput', String(run.throughput ?? -1)];
  if (run.transactional) args.push('--transactional-id', run.transactional.transactionalId, '--transaction-duration-ms', String(run.transactional.transactionDurationMs));
  args.push('--producer-props', `bootstrap.servers=${bootstrap}`, `acks=${run.acks}`);
  const out = await runTool('org.apache.kafka.tools.ProducerPerformance', args);
  const summary = out.split('\n').find((l) => /^\d+ records sent, .* 99th/.test(l) && l.startsWith(`${run.records} records sent`));
  const number = (re: RegExp): number => Number(re.exec(summary ?? '')?.[1]);
  const figures = {
    recordsPerS: number(/([\d.]+) records\/sec/),
    mbPerS: number(/\(([\d.]+) MB\/sec\)/),
    avgMs: number(/([\d.]+) ms avg latency/),
    p99Ms: number(/([\d.]+) ms 99th/),
  };
  if (!summary || Object.values(figures).some((v) => !Number.isFinite(v))) throw new ToolRunError(commandLine('org.apache.kafka.tools.ProducerPerformance', args), out, 'no summary line in the output');
  return figures;
}

/**
 * ConsumerPerformance reading `records` from the start of `topic` in a fresh group. Its CSV line
 * under the header "start.time, end.time, data.consumed.in.MB, MB.sec, …, fetch.MB.sec,
 * fetch.nMsg.sec": the fetch.* rates exclude the group join.
 */
export async function consumerPerformance(bootstrap: string, topic: string, records: number): Promise<ConsumerFigures> {
  const args = ['--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(records), '--timeout', '60000', '--group', `bench-${topic}-${Date.now()}`];
  const out = await runTool('org.apache.kafka.tools.ConsumerPerformance', args);
  const lines = out.split('\n').map((l) => l.trim());
  const headerAt = lines.findIndex((l) => l.startsWith('start.time'));
  const header = headerAt >= 0 ? lines[headerAt].split(',').map((h) => h.trim()) : [];
  const values = headerAt >= 0 ? (lines[headerAt + 1] ?? '').split(',').map((v) => v.trim()) : [];
  const field = (name: string): number => Number(values[header.indexOf(name)]);
  const consumed = field('data.consumed.in.nMsg');
  const figures = { recordsPerS: field('fetch.nMsg.sec'), mbPerS: field('fetch.MB.sec') };
  if (!(consumed >= records) || !Number.isFinite(figures.recordsPerS)) {
    throw new ToolRunError(commandLine('org.apache.kafka.tools.ConsumerPerformance', args), out, `consumed ${consumed} of ${records} records`);
  }
  return figures;
}
