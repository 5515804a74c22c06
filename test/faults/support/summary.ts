import { writeSync } from 'node:fs';

/**
 * The one line each fault scenario prints: `FAULT <scenario> key=value …`, written straight to
 * stdout (not through jest's console, which adds a stack trace) so CI logs show it as is, and
 * synchronously: in CI jest exits forcibly after the last file, dropping pending pipe writes.
 */
export function printSummary(scenario: string, counts: Record<string, string | number | boolean>): string {
  const line = `FAULT ${scenario} ${Object.entries(counts)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')}`;
  try {
    writeSync(1, `${line}\n`);
  } catch {
    process.stdout.write(`${line}\n`); // a non-blocking stdout that is full right now
  }
  return line;
}

/** Bytes as MiB with one decimal, for the summary line. */
export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)}MiB`;
}

/** The p-th percentile (nearest rank) of `samples`; 0 for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const GIB = 1024 * 1024 * 1024;

/** Resolves once `predicate` holds (checked every `everyMs`); rejects naming `what` after `ms`. */
export async function waitUntil(what: string, predicate: () => boolean | Promise<boolean>, ms: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
