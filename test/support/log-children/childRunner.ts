/**
 * Runs a crash-test child (compiled JS in dist/) until a kill point and SIGKILLs it, collecting
 * the lines it printed. Every child started is tracked so a test's afterAll can kill leftovers.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildRun {
  lines: string[][];
  stderr: string;
}

export type KillPlan = { afterLines: number; prefix: string } | { afterMs: number };

export const runningChildren = new Set<ChildProcess>();

export function killRunningChildren(): void {
  for (const child of runningChildren) child.kill('SIGKILL');
}

export function runUntilKilled(script: string, args: string[], plan: KillPlan, deadlineMs = 20_000): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    runningChildren.add(child);
    const result: ChildRun = { lines: [], stderr: '' };
    let pending = '';
    let counted = 0;
    let killed = false;
    const kill = () => {
      if (!killed) child.kill('SIGKILL');
      killed = true;
    };
    const deadline = setTimeout(() => {
      kill();
      reject(new Error(`${script} ${args.join(' ')}: no kill point within ${deadlineMs} ms\n${result.stderr}`));
    }, deadlineMs);
    const timer = 'afterMs' in plan ? setTimeout(kill, plan.afterMs) : null;
    child.stderr!.on('data', (d: Buffer) => (result.stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const parts = line.split(' ');
        result.lines.push(parts);
        if ('afterLines' in plan && parts[0] === plan.prefix && ++counted >= plan.afterLines) kill();
      }
    });
    child.on('exit', (code, signal) => {
      runningChildren.delete(child);
      clearTimeout(deadline);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`${script}: exited by itself (${code})\n${result.stderr}`));
      else resolve(result);
    });
  });
}

/** Deterministic pseudo-random numbers so a failure can be replayed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}
