/**
 * Starts a `bindery broker` for a test on an ephemeral port and stops it.
 *
 * By default the broker runs as a child process of the compiled CLI (dist/, built by `npm test`),
 * exactly as users run it; BINDERY_TEST_BROKER=inprocess (or `inProcess: true`) runs it inside the
 * test process from the TypeScript sources instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { brokerCommand } from '../../src/cli/commands/broker';

export interface TestBroker {
  readonly host: string;
  readonly port: number;
  /** "127.0.0.1:port", for clients' bootstrap lists. */
  readonly bootstrap: string;
  /** The child process (child mode only), e.g. to watch its memory. */
  readonly pid: number | null;
  /** What the broker has printed so far (stdout and stderr). */
  output(): string;
  /** Stops the broker (SIGTERM for a child) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

export interface TestBrokerOptions {
  inProcess?: boolean;
  /** Extra `bindery broker` arguments (e.g. ['--partitions', '3']). */
  args?: string[];
  /** Keep the logs in this directory (default: an in-memory broker). */
  dataDir?: string;
  startTimeoutMs?: number;
  /** Environment of the child (default: the test's). */
  env?: NodeJS.ProcessEnv;
}

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'bindery.js');

export function cliBuilt(): boolean {
  return existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'));
}

export async function startTestBroker(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const inProcess = opts.inProcess ?? process.env.BINDERY_TEST_BROKER === 'inprocess';
  return inProcess ? startInProcess(opts) : startChild(opts);
}

function storageArgs(opts: TestBrokerOptions): string[] {
  return opts.dataDir ? ['--data-dir', opts.dataDir] : ['--memory'];
}

async function startInProcess(opts: TestBrokerOptions): Promise<TestBroker> {
  let stopSignal!: () => void;
  const until = new Promise<void>((r) => (stopSignal = r));
  let listening!: (line: string) => void;
  const ready = new Promise<string>((r) => (listening = r));
  const lines: string[] = [];
  const done = brokerCommand([...storageArgs(opts), '--port', '0', ...(opts.args ?? [])], {
    out: (l) => (lines.push(l), l.includes('listening on') && listening(l)),
    err: (l) => lines.push(l),
    stdin: process.stdin,
  }, until);
  const line = await Promise.race([ready, done.then(() => Promise.reject(new Error(`broker exited: ${lines.join('\n')}`)))]);
  const port = Number(/:(\d+) /.exec(line)?.[1]);
  return {
    host: '127.0.0.1',
    port,
    bootstrap: `127.0.0.1:${port}`,
    pid: null,
    output: () => lines.join('\n'),
    async stop() {
      stopSignal();
      return done;
    },
  };
}

async function startChild(opts: TestBrokerOptions): Promise<TestBroker> {
  if (!cliBuilt()) throw new Error('dist/ is missing: run `npx tsc -p .` (npm test does) before the compat tests');
  const child: ChildProcess = spawn(process.execPath, [CLI, 'broker', ...storageArgs(opts), '--port', '0', ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  let output = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start within ${opts.startTimeoutMs ?? 30000} ms:\n${output}`)), opts.startTimeoutMs ?? 30000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on [^:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    host: '127.0.0.1',
    port,
    bootstrap: `127.0.0.1:${port}`,
    pid: child.pid ?? null,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
