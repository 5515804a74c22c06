/**
 * What transactions cost, on `bindery broker` and on Apache Kafka 4.x (the wire benchmark's two
 * brokers, bench/wire/brokers.ts: separate processes on loopback, never both at once), 1 KiB records:
 * - kafkajs read-process-write (bench/txn/pipeline.ts): a group consumer copies an input topic to
 *   an output topic, committing every 100 ms, once plain (sends + OffsetCommit) and once
 *   transactional (sends + sendOffsets + commit in one transaction);
 * - Kafka's ProducerPerformance, idempotent acks=all, once plain and once transactional
 *   (--transactional-id, --transaction-duration-ms 100).
 * Lines: txn-<case>-<broker> plain=… transactional=… ratio=transactional÷plain (issue 21's target
 * ≥ 0.9 for the read-process-write case), and txn-<case>-transactional bindery=… kafka=…
 * ratio=bindery÷kafka (target ≥ 1.0 for the Java producer). The sequence runs ROUNDS times,
 * alternating brokers (and the order of plain and transactional within a broker); each case keeps
 * its best round. BINDERY_BENCH_TXN_ROUNDS (default 2) sets the rounds and BINDERY_BENCH_TXN_SCALE
 * (default 1) scales every record count, e.g. 0.05 for a quick check.
 */
import * as os from 'node:os';
import type { Reporter } from '../report';
import { createTopics, fillInput, runPipeline, COMMIT_INTERVAL_MS, type PipelineMode } from '../txn/pipeline';
import { kafkaPaths, startApacheKafka, startBindery, type Broker } from '../wire/brokers';
import { producerPerformance } from '../wire/javaTools';

const SCALE = Number(process.env.BINDERY_BENCH_TXN_SCALE ?? '1');
const ROUNDS = Math.max(1, Number(process.env.BINDERY_BENCH_TXN_ROUNDS ?? '2'));
const RECORD_SIZE = 1024;
const PIPELINE_RECORDS = Math.max(1000, Math.round(100_000 * SCALE));
const JAVA_RECORDS = Math.max(1000, Math.round(200_000 * SCALE));
const MODES: PipelineMode[] = ['plain', 'transactional'];

type BrokerName = Broker['name'];
/** Case name → records/s, or the error that case met. */
type Figures = Map<string, number | Error>;

async function attempt(figures: Figures, name: string, run: () => Promise<number>): Promise<void> {
  try {
    figures.set(name, await run());
  } catch (error) {
    console.log(`# transactions: ${name} failed: ${(error as Error).message}`);
    figures.set(name, error as Error);
  }
}

async function benchBroker(broker: Broker, round: number): Promise<Figures> {
  const figures: Figures = new Map();
  const modes = round % 2 === 1 ? MODES : [...MODES].reverse();
  const input = `rpw-in-${round}`;
  await createTopics(broker.bootstrap, [input, ...MODES.map((m) => `rpw-out-${m}-${round}`), ...MODES.map((m) => `java-${m}-${round}`), `java-warm-up-${round}`]);
  await fillInput(broker.bootstrap, input, PIPELINE_RECORDS, RECORD_SIZE);
  for (const mode of modes) {
    await attempt(figures, `rpw-kafkajs-1kib-${mode}`, async () => (await runPipeline(broker.bootstrap, mode, input, `rpw-out-${mode}-${round}`, PIPELINE_RECORDS)).recordsPerS);
  }
  // the coordinator's topic is made by the first transaction, outside the measured runs
  await attempt(figures, 'java-warm-up', async () => (await java(broker, `java-warm-up-${round}`, 1000, true)).recordsPerS);
  for (const mode of modes) {
    await attempt(figures, `java-produce-1kib-${mode}`, async () => (await java(broker, `java-${mode}-${round}`, JAVA_RECORDS, mode === 'transactional')).recordsPerS);
  }
  return figures;
}

function java(broker: Broker, topic: string, records: number, transactional: boolean) {
  return producerPerformance(broker.bootstrap, {
    topic,
    records,
    recordSize: RECORD_SIZE,
    acks: 'all',
    transactional: transactional ? { transactionalId: `bench-${topic}`, transactionDurationMs: COMMIT_INTERVAL_MS } : undefined,
  });
}

async function onBroker(start: () => Promise<Broker>, round: number): Promise<{ name: BrokerName; figures: Figures }> {
  const load = os.loadavg()[0];
  const broker = await start();
  try {
    console.log(`# transactions: round ${round}, ${broker.name} on ${broker.bootstrap} (pid ${broker.pid}), load ${load.toFixed(1)}`);
    return { name: broker.name, figures: await benchBroker(broker, round) };
  } finally {
    await broker.stop();
  }
}

/** Each case's highest rate over the rounds (an error only when every round failed). */
function best(runs: Figures[]): Figures {
  const out: Figures = new Map();
  for (const run of runs) {
    for (const [name, v] of run) {
      const kept = out.get(name);
      if (kept === undefined || kept instanceof Error || (typeof v === 'number' && v > kept)) out.set(name, v);
    }
  }
  return out;
}

const round = (v: number): number => Number(v.toPrecision(5));
const shown = (v: number | Error | undefined): number | string => (v === undefined ? 'n/a' : v instanceof Error ? 'failed' : round(v));
const ratio = (a: number | Error | undefined, b: number | Error | undefined): number | string =>
  typeof a === 'number' && typeof b === 'number' ? Number((a / b).toFixed(3)) : 'n/a';
const met = (r: number | string, target: number): string => (typeof r === 'number' ? (r >= target ? 'yes' : 'no') : 'n/a');

/** Issue 21's targets: read-process-write transactional ≥ 0.9× plain; Java transactional producer bindery ≥ 1.0× Kafka. */
const TARGETS: Record<string, { perBroker?: number; versusKafka?: number }> = {
  'rpw-kafkajs-1kib': { perBroker: 0.9 },
  'java-produce-1kib': { versusKafka: 1.0 },
};

export async function run(report: Reporter): Promise<void> {
  if (!kafkaPaths.libsAvailable()) throw new Error('the transactions benchmark needs the Apache Kafka jars: run `node scripts/kafka/fetch.js`');
  const runs: Record<BrokerName, Figures[]> = { bindery: [], kafka: [] };
  const loads: number[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    for (const start of [() => startBindery(), () => startApacheKafka()]) {
      loads.push(os.loadavg()[0]);
      const { name, figures } = await onBroker(start, r);
      runs[name].push(figures);
    }
  }
  const ours = best(runs.bindery);
  const theirs = best(runs.kafka);
  for (const [name, target] of Object.entries(TARGETS)) {
    const unit = 'records/s';
    for (const [broker, figures] of [['bindery', ours], ['kafka', theirs]] as const) {
      const plain = figures.get(`${name}-plain`);
      const txn = figures.get(`${name}-transactional`);
      const r = ratio(txn, plain);
      const fields: Record<string, number | string> = { unit, plain: shown(plain), transactional: shown(txn), ratio: r };
      if (target.perBroker !== undefined) Object.assign(fields, { target: target.perBroker, target_met: met(r, target.perBroker) });
      report(`txn-${name}-${broker}`, fields);
    }
    const ourTxn = ours.get(`${name}-transactional`);
    const theirTxn = theirs.get(`${name}-transactional`);
    const r = ratio(ourTxn, theirTxn);
    const fields: Record<string, number | string> = { unit, bindery: shown(ourTxn), kafka: shown(theirTxn), ratio: r };
    if (target.versusKafka !== undefined) Object.assign(fields, { target: target.versusKafka, target_met: met(r, target.versusKafka) });
    report(`txn-${name}-transactional`, fields);
  }
  report('txn-run', {
    rounds: ROUNDS,
    scale: SCALE,
    record_bytes: RECORD_SIZE,
    pipeline_records: PIPELINE_RECORDS,
    java_records: JAVA_RECORDS,
    commit_interval_ms: COMMIT_INTERVAL_MS,
    mean_load1_at_broker_start: Number((loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(2)),
    load1_at_end: Number(os.loadavg()[0].toFixed(2)),
  });
}
