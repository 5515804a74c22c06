/**
 * `bindery broker` as the fault suite runs it: a child process of the compiled CLI (dist/) on a
 * fixed loopback port that survives restarts (clients reconnect to the same bootstrap address),
 * optionally under `prlimit` (which execs the broker: one process, one pid). The broker starts no
 * children of its own, so a signal to its pid reaches all of it; it stays in the test runner's
 * process group so that scripts/bounded.js reaps it should the runner itself be killed. Every broker
 * started is remembered so a suite's afterAll can kill what is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository: three levels up from the TypeScript source, four from its compiled copy in dist/. */
const ROOT = [join(__dirname, '..', '..', '..'), join(__dirname, '..', '..', '..', '..')].find((dir) => existsSync(join(dir, 'bin', 'bindery.js')))!;
export const CLI = join(ROOT, 'bin', 'bindery.js');

export interface BrokerOptions {
  dataDir: string;
  port: number;
  /** Extra `bindery broker` arguments. */
  args?: string[];
  /** Runs the broker under `prlimit --nofile=<n>:<n>`. */
  nofile?: number;
  startTimeoutMs?: number;
}

export interface BrokerProcess {
  readonly pid: number;
  readonly bootstrap: string;
  /** Everything the broker printed so far. */
  output(): string;
  /** True until the process exits. */
  running(): boolean;
  /** SIGKILL; resolves once the broker has exited. */
  kill9(): Promise<void>;
  /** SIGTERM (SIGKILL after `graceMs`); resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
  /** Resident set size now, in bytes (VmRSS); 0 once the process is gone. */
  rssBytes(): number;
  /** Peak resident set size of the process so far, in bytes (VmHWM); 0 once the process is gone. */
  peakRssBytes(): number;
}

const started = new Set<ChildProcess>();

export function cliBuilt(): boolean {
  return existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'));
}

/** A loopback port free right now, for a broker that must come back on the same address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(name);
}

export async function startBroker(opts: BrokerOptions): Promise<BrokerProcess> {
  if (!cliBuilt()) throw new Error('dist/ is missing: run `npm run build` first (npm run test:faults does)');
  const brokerArgv = [CLI, 'broker', '--data-dir', opts.dataDir, '--port', String(opts.port), ...(opts.args ?? [])];
  const [command, argv] = opts.nofile
    ? ['prlimit', [`--nofile=${opts.nofile}:${opts.nofile}`, process.execPath, ...brokerArgv]]
    : [process.execPath, brokerArgv];
  // prlimit execs the command, so the child's pid is the broker's.
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      started.delete(child);
      resolve(code);
    }),
  );
  const timeoutMs = opts.startTimeoutMs ?? 60000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal(child, 'SIGKILL');
      reject(new Error(`broker did not start within ${timeoutMs} ms:\n${output.slice(-4000)}`));
    }, timeoutMs);
    const check = () => {
      if (/listening on [^:]+:\d+/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before listening:\n${output.slice(-4000)}`));
    });
  });
  const pid = child.pid!;
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    pid,
    bootstrap: `127.0.0.1:${opts.port}`,
    output: () => output,
    running: alive,
    async kill9() {
      signal(child, 'SIGKILL');
      await exited;
    },
    async stop(graceMs = 15000) {
      if (!alive()) return child.exitCode;
      signal(child, 'SIGTERM');
      const timer = setTimeout(() => signal(child, 'SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    rssBytes: () => (alive() ? statusField(pid, 'VmRSS') : 0),
    peakRssBytes: () => (alive() ? statusField(pid, 'VmHWM') : 0),
  };
}

/** Kills every broker this process started and still running (for afterAll). */
export async function killAllBrokers(): Promise<void> {
  const waits = [...started].map((child) => {
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signal(child, 'SIGKILL');
    return gone;
  });
  await Promise.all(waits);
}
