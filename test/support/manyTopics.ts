/**
 * Many auto-created topics under a low descriptor limit: runs the many-topics child (compiled, in
 * dist/) under `prlimit --nofile=<limit>` once to auto-create `topics` topics with one record
 * each and once more, as a restart on the same data directory, to read every one back. Used by
 * the integration test (thousands of topics) and the fault suite (tens of thousands).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './processes';

export const MANY_TOPICS_CHILD = join(__dirname, '..', '..', 'dist', 'test', 'support', 'broker-children', 'manyTopicsChild.js');

export interface ManyTopicsPhase {
  mode: 'create' | 'serve';
  ok: number;
  failed: number;
  firstError: string | null;
  openMs: number;
  workMs: number;
  closeMs: number;
  peakRssBytes: number;
  peakFds: number;
  fdLimit: string;
  stderr: string;
}

/** Whether `prlimit` (util-linux) is there to lower a child's descriptor limit. */
export function prlimitAvailable(): boolean {
  return ['/usr/bin/prlimit', '/bin/prlimit', '/usr/sbin/prlimit'].some((p) => existsSync(p));
}

/** One run of the child: `create` the topics or `serve` them (a restart). */
export async function runManyTopicsPhase(dataDir: string, topics: number, mode: 'create' | 'serve', fdLimit: number, timeoutMs: number): Promise<ManyTopicsPhase> {
  if (!existsSync(MANY_TOPICS_CHILD)) throw new Error(`${MANY_TOPICS_CHILD} is missing: build first with \`npx tsc -p .\` (npm test does)`);
  const res = await run('prlimit', [`--nofile=${fdLimit}:${fdLimit}`, process.execPath, MANY_TOPICS_CHILD, dataDir, String(topics), mode], { timeoutMs });
  const lines = res.stdout.split('\n').map((l) => l.split(' '));
  const result = lines.find((l) => l[0] === 'result');
  const stats = lines.find((l) => l[0] === 'stats');
  if (res.code !== 0 || !result || !stats) throw new Error(`many-topics child (${mode}) exited with ${res.code}:\n${res.stdout}\n${res.stderr.slice(-4000)}`);
  return {
    mode,
    ok: Number(result[2]),
    failed: Number(result[3]),
    firstError: result[4] === '-' ? null : result[4],
    openMs: Number(stats[1]),
    workMs: Number(stats[2]),
    closeMs: Number(stats[3]),
    peakRssBytes: Number(stats[4]),
    peakFds: Number(stats[5]),
    fdLimit: stats[6],
    stderr: res.stderr,
  };
}

/** Auto-creates `topics` topics, then restarts on the same directory and reads each back. */
export async function manyTopicsCreateAndRestart(dataDir: string, topics: number, fdLimit: number, timeoutMs: number): Promise<{ create: ManyTopicsPhase; serve: ManyTopicsPhase }> {
  const create = await runManyTopicsPhase(dataDir, topics, 'create', fdLimit, timeoutMs);
  const serve = await runManyTopicsPhase(dataDir, topics, 'serve', fdLimit, timeoutMs);
  return { create, serve };
}

/** One line summing up a phase, for test output. */
export function describePhase(p: ManyTopicsPhase): string {
  return (
    `${p.mode}: ${p.ok} ok, ${p.failed} failed${p.firstError ? ` (first: ${p.firstError})` : ''}; ` +
    `open ${p.openMs} ms, work ${p.workMs} ms, close ${p.closeMs} ms; peak RSS ${Math.round(p.peakRssBytes / 1048576)} MiB, peak fds ${p.peakFds} of ${p.fdLimit}`
  );
}
