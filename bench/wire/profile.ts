/**
 * Where `bindery broker`'s time goes under Kafka's ProducerPerformance: runs the broker with
 * node --cpu-prof, drives the unthrottled produce cases of the wire benchmark against it (after
 * the same warm-up), stops it and prints the functions with the most self time.
 *   node dist/bench/wire/profile.js [profile-dir]   (npx tsc -p . first)
 * The .cpuprofile stays in the directory (default: a temp dir) for Chrome DevTools.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBindery } from './brokers';
import { PRODUCE_CASES, produceCase, warmUp } from './cases';
import { createTopics } from './kafkajsLoad';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (ms) and its share of all samples, highest first. */
export function topFunctions(profile: CpuProfile, limit: number): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const where = frame?.url ? `${path.relative(process.cwd(), frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}` : '';
    const name = `${frame?.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, ms, share: ms / total }));
}

async function main(dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const broker = await startBindery(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    await createTopics(broker.bootstrap, ['bench-warmup', ...PRODUCE_CASES.map((c) => c.topic)]);
    await warmUp(broker);
    for (const c of PRODUCE_CASES) {
      const r = await produceCase(broker, c);
      console.log(`${c.name}: ${r.rate.toFixed(0)} records/s, p99 ${r.p99Ms} ms`);
    }
  } finally {
    await broker.stop();
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (!file) throw new Error(`no .cpuprofile written to ${dir}`);
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  console.log(`profile: ${path.join(dir, file)}`);
  for (const f of topFunctions(profile, 30)) console.log(`${(f.share * 100).toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
}

if (require.main === module) {
  main(process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-wire-profile-'))).catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exitCode = 1;
  });
}
