/** A child process of `npm run shop`: its output printed line by line behind its name, its lines observable. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import * as readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export type LineListener = (line: string) => void;

export class NamedProcess {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly listeners: LineListener[] = [];
  /** Resolves with the exit code (128 + n for a signal) once the process and its output are done. */
  readonly exited: Promise<number>;
  private stopping = false;

  constructor(
    readonly name: string,
    args: string[],
    prefixWidth: number,
    print: (line: string) => void,
  ) {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    const prefix = `[${name}]`.padEnd(prefixWidth + 2);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        print(`${prefix} ${line}`);
        for (const listener of this.listeners) listener(line);
      });
    }
    this.exited = (async () => {
      const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
      return code ?? (signal === 'SIGKILL' ? 137 : 143);
    })();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether stop() was asked for (an exit before that is a failure). */
  get stopRequested(): boolean {
    return this.stopping;
  }

  onLine(listener: LineListener): void {
    this.listeners.push(listener);
  }

  /** Resolves with the first line `match` accepts; rejects if the process exits first or `timeoutMs` passes. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.onLine((line) => {
        const found = match(line);
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with code ${code} before ${what}`));
      });
    });
  }

  writeLine(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit code. */
  async stop(graceMs: number): Promise<number> {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
