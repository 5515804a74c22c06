/**
 * The Kafka wire protocol end to end: `bindery broker` (a child process, on disk) and Apache
 * Kafka 4.x (KRaft, one node, normal JVM flags, 1 GiB heap) in one run, one after the other
 * (never both at once: the machine has two cores), each after a warm-up, driven by the same
 * clients and workloads (bench/wire/cases.ts):
 * - Kafka's ProducerPerformance (100 B and 1 KiB records, acks 1 and all, unthrottled; plus one
 *   rate-capped latency case) and ConsumerPerformance;
 * - a kafkajs producer and group consumer.
 * Lines: wire-<case> bindery=… kafka=… ratio=bindery÷kafka (throughput: higher is better) and
 * wire-<case>-p99 … ratio_lower_is_better=…, then wire-broker-footprint (peak RSS, start-up).
 * A case that fails on one broker is reported as failed there (with the tool's command and
 * output on stdout) and the other cases still run.
 * Other jobs share the machine, so the whole sequence runs ROUNDS times, alternating
 * (bindery, Kafka, bindery, Kafka): each case keeps its best round, start-up its fastest, RSS its
 * highest peak. Within a round a consume case reads its topics three times (reading changes
 * nothing) and keeps its fastest read. BINDERY_BENCH_WIRE_ROUNDS (default 2) sets the rounds and
 * BINDERY_BENCH_WIRE_SCALE (default 1) scales every record count, e.g. 0.1 for a quick check.
 */
import * as os from 'node:os';
import type { Reporter } from '../report';
import { kafkaPaths, peakRssMiB, startApacheKafka, startBindery, type Broker } from '../wire/brokers';
import { runCases, type CaseResult } from '../wire/cases';

interface BrokerRun {
  results: Map<string, CaseResult>;
  peakRssMiB: number;
  startupMs: number;
  startupExtra: Record<string, number>;
  load: number;
}

const ROUNDS = Math.max(1, Number(process.env.BINDERY_BENCH_WIRE_ROUNDS ?? '2'));

/**
 * Best of several rounds: highest rate per case (with that round's latency), fastest start,
 * highest RSS. A rate-capped case runs at the rate the tool sets, so its best round is the one
 * with the lowest p99.
 */
function best(runs: BrokerRun[]): BrokerRun {
  const results = new Map<string, CaseResult>();
  const better = (c: CaseResult, kept: CaseResult): boolean =>
    c.capped ? (c.p99Ms ?? Infinity) < (kept.p99Ms ?? Infinity) : c.rate > kept.rate;
  for (const r of runs) {
    for (const [name, c] of r.results) {
      const kept = results.get(name);
      if (!kept || (kept.error && !c.error) || (!c.error && better(c, kept))) results.set(name, c);
    }
  }
  const fastest = runs.reduce((a, b) => (b.startupMs < a.startupMs ? b : a));
  return {
    results,
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    startupMs: fastest.startupMs,
    startupExtra: fastest.startupExtra,
    load: runs.reduce((sum, r) => sum + r.load, 0) / runs.length,
  };
}

async function benchBroker(start: () => Promise<Broker>): Promise<BrokerRun> {
  const load = os.loadavg()[0];
  const broker = await start();
  try {
    console.log(`# wire: ${broker.name} on ${broker.bootstrap} (pid ${broker.pid}), started in ${broker.startupMs.toFixed(0)} ms, load ${load.toFixed(1)}`);
    const results = await runCases(broker);
    return { results, peakRssMiB: peakRssMiB(broker.pid), startupMs: broker.startupMs, startupExtra: broker.startupExtra, load };
  } finally {
    await broker.stop();
  }
}

const round = (v: number, digits = 3): number => Number(v.toPrecision(digits + 2));

function compare(report: Reporter, name: string, ours: CaseResult | undefined, theirs: CaseResult | undefined): void {
  const fields: Record<string, number | string> = { unit: ours?.unit ?? theirs?.unit ?? '?' };
  const value = (r: CaseResult | undefined): number | string => (r === undefined ? 'n/a' : r.error ? 'failed' : round(r.rate));
  fields.bindery = value(ours);
  fields.kafka = value(theirs);
  const both = ours && theirs && !ours.error && !theirs.error;
  fields.ratio = both ? round(ours.rate / theirs.rate) : 'n/a';
  if (both) fields.target_met = ours.capped ? 'n/a-rate-capped' : ours.rate >= theirs.rate ? 'yes' : 'no';
  for (const [key, v] of Object.entries(ours?.extra ?? {})) fields[`${key}_bindery`] = round(v);
  for (const [key, v] of Object.entries(theirs?.extra ?? {})) fields[`${key}_kafka`] = round(v);
  report(`wire-${name}`, fields);
  if (ours?.p99Ms === undefined && theirs?.p99Ms === undefined) return;
  const p99 = (r: CaseResult | undefined): number | string => (r === undefined ? 'n/a' : r.error ? 'failed' : round(r.p99Ms ?? NaN));
  const latency: Record<string, number | string> = { unit: 'ms', p99_ms_bindery: p99(ours), p99_ms_kafka: p99(theirs) };
  latency.p99_ratio_lower_is_better = both ? round((ours.p99Ms ?? NaN) / (theirs.p99Ms ?? NaN)) : 'n/a';
  if (both) latency.target_met = (ours.p99Ms ?? Infinity) <= (theirs.p99Ms ?? 0) ? 'yes' : 'no';
  report(`wire-${name}-p99`, latency);
}

export async function run(report: Reporter): Promise<void> {
  if (!kafkaPaths.libsAvailable()) throw new Error('the wire benchmark needs the Apache Kafka jars: run `node scripts/kafka/fetch.js`');
  const oursRuns: BrokerRun[] = [];
  const theirsRuns: BrokerRun[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`# wire: round ${round} of ${ROUNDS}`);
    oursRuns.push(await benchBroker(() => startBindery()));
    theirsRuns.push(await benchBroker(() => startApacheKafka()));
  }
  const ours = best(oursRuns);
  const theirs = best(theirsRuns);
  for (const name of new Set([...ours.results.keys(), ...theirs.results.keys()])) compare(report, name, ours.results.get(name), theirs.results.get(name));
  report('wire-broker-footprint', {
    peak_rss_mb_bindery: round(ours.peakRssMiB),
    peak_rss_mb_kafka: round(theirs.peakRssMiB),
    rss_ratio: round(ours.peakRssMiB / theirs.peakRssMiB),
    rss_target_met: ours.peakRssMiB <= theirs.peakRssMiB / 4 ? 'yes' : 'no',
    startup_ms_bindery: round(ours.startupMs),
    startup_ms_kafka: round(theirs.startupMs),
    startup_ratio: round(ours.startupMs / theirs.startupMs),
    startup_target_met: ours.startupMs <= theirs.startupMs / 10 ? 'yes' : 'no',
    ...Object.fromEntries(Object.entries(theirs.startupExtra).map(([k, v]) => [k, round(v)])),
  });
  report('wire-run', { rounds: ROUNDS, mean_load1_at_bindery_start: round(ours.load, 2), mean_load1_at_kafka_start: round(theirs.load, 2), load1_at_end: round(os.loadavg()[0], 2), kafka_heap_mb: 1024, kafka_jvm: 'G1+tiered-JIT' });
}
