/**
 * What observing costs, on framework-native-e2e's first workload (1 partition, 1 member, native
 * binder, 100 B JSON): apps in one process, their throughput runs alternating (framework.ts's
 * measure), so load from other processes falls on all alike:
 *   off         metrics off, tracing off (`tracing: false`: not even the provider check)
 *   metrics     `metrics: true`
 *   tracing_api tracing left at its default with no SDK registered: only @opentelemetry/api present
 *   tracing_sdk an SDK tracer provider passed in (spans made and sampled, exported nowhere; no
 *               context manager is registered, since one would slow every app in the process)
 * Reported as framework-native-observability with each one's ratio to off.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Reporter } from '../report';
import { WORKLOADS, loadAverage, measure, open, type Observing, type Subject } from './framework';

const VARIANTS: Array<[string, Observing]> = [
  ['off', { metrics: false, tracing: false }],
  ['metrics', { metrics: true, tracing: false }],
  ['tracing_api', { metrics: false }],
  ['tracing_sdk', { metrics: false, tracing: { tracerProvider: new BasicTracerProvider() } }],
];

const ratio = (x: number, y: number): number => Number((x / y).toFixed(2));

export async function run(report: Reporter): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-bench-observability-'));
  const w = WORKLOADS[0];
  const subjects: Subject[] = [];
  try {
    for (const [, observing] of VARIANTS) subjects.push(await open('native', { dataDir, shared: false }, w, observing));
    const figures = await measure(subjects);
    const off = figures[0];
    const fields: Record<string, number> = { partitions: w.partitions, concurrency: w.concurrency };
    VARIANTS.forEach(([name], i) => (fields[`${name}_msgs_per_s`] = figures[i].msgs_per_s));
    VARIANTS.forEach(([name], i) => i > 0 && (fields[`ratio_${name}_vs_off`] = ratio(figures[i].msgs_per_s, off.msgs_per_s)));
    VARIANTS.forEach(([name], i) => (fields[`${name}_p99_ms`] = figures[i].p99_ms));
    fields.load_avg_1m = loadAverage();
    report('framework-native-observability', fields);
  } finally {
    await Promise.all(subjects.map((s) => s.app.close()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
