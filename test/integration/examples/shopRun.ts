/** Runs dist/scripts/shop.js (`npm run shop`) to its end, bounded: its exit code and everything it printed. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const shop = path.resolve(__dirname, '../../../dist/scripts/shop.js');

export const DEMO_ORDER_IDS = ['o-101', 'o-102', 'o-103', 'o-104', 'o-105', 'o-106', 'o-107', 'o-108', 'o-109', 'o-110', 'o-111', 'o-112'];

export async function runShop(args: string[], limitMs: number): Promise<{ code: number | null; output: string }> {
  if (!fs.existsSync(shop)) throw new Error(`${shop} is missing: build first (npm run build)`);
  const child = spawn(process.execPath, [shop, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), limitMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, output };
}

/** Each order that reached the notifications process, with its message type, from its prefixed output lines. */
export function notified(output: string): Map<string, string> {
  const lines = [...output.matchAll(/^\[notifications\]\s+notifications (o-\d+)\s+(\S+) →/gm)];
  return new Map(lines.map((m) => [m[1], m[2]]));
}

/** What a run with `--restart <service>` shows: the service handled an order, stopped gracefully, and a new process took over. */
export function expectRestarted(output: string, service: string): void {
  const stopAt = output.indexOf(`shop: stopping ${service}`);
  const restartAt = output.indexOf(`shop: starting ${service} again`);
  const firstHandled = output.search(new RegExp(`^\\[${service}\\]\\s+${service}\\s+o-1\\d\\d `, 'm'));
  expect(firstHandled).toBeGreaterThanOrEqual(0);
  expect(stopAt).toBeGreaterThan(firstHandled);
  expect(output.slice(stopAt, restartAt)).toMatch(new RegExp(`^\\[${service}\\]\\s+closed$`, 'm'));
  expect(output.slice(restartAt)).toMatch(new RegExp(`^\\[${service}\\]\\s+ready$`, 'm'));
  expect(output.slice(restartAt)).toMatch(new RegExp(`^\\[${service}\\]\\s+${service}\\s+o-1\\d\\d `, 'm'));
}

/** Every demo order notified, with the demo's outcomes: o-107 declined, o-110 out of stock, the rest shipped. */
export function expectAllOrdersThrough(output: string): void {
  const outcome = notified(output);
  expect([...outcome.keys()].sort()).toEqual(DEMO_ORDER_IDS);
  expect(outcome.get('o-107')).toBe('not-shipped');
  expect(outcome.get('o-110')).toBe('not-shipped');
  expect([...outcome.values()].filter((type) => type === 'shipped')).toHaveLength(10);
}
