/**
 * Benchmark reporting: one line `BENCH <name> key=value …` per result on stdout, and every
 * result of a suite collected into bench/results/<suite>.json (with the machine it ran on).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type BenchFields = Record<string, number | string>;

export interface BenchLine {
  name: string;
  fields: BenchFields;
}

export type Reporter = (name: string, fields: BenchFields) => void;

export function machineDescription(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function formatValue(v: number | string): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

export function formatLine(name: string, fields: BenchFields): string {
  const kv = Object.entries(fields).map(([k, v]) => `${k}=${formatValue(v)}`);
  return `BENCH ${name} ${kv.join(' ')}`;
}

export class SuiteRecorder {
  readonly lines: BenchLine[] = [];

  constructor(readonly suite: string) {}

  readonly report: Reporter = (name, fields) => {
    this.lines.push({ name, fields });
    process.stdout.write(formatLine(name, fields) + '\n');
  };

  write(resultsDir: string, extra: Record<string, unknown> = {}): string {
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${this.suite}.json`);
    const doc = { suite: this.suite, date: new Date().toISOString(), machine: machineDescription(), ...extra, results: this.lines };
    fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    return file;
  }
}
