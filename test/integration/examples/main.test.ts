/** `npm start` runs dist/examples/main.js: it must show the flow and exit 0 once the demo's orders are through. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const main = path.resolve(__dirname, '../../../dist/examples/main.js');

describe('examples/main', () => {
  it('runs the shop demo to completion and exits 0', async () => {
    expect(fs.existsSync(main)).toBe(true); // built by `npm test`'s pretest (locally: npx tsc -p .)
    // As users run it: no binder configured, so the default (native, embedded broker) is used.
    const child = spawn(process.execPath, [main], { env: { ...process.env, BINDERY_BINDER: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('all 12 orders through') });
    expect(output).toContain("bindery shop demo on the 'native' binder");
    expect(output).toMatch(/notifications o-112 {2}shipped → customer-112@example\.com/);
  });
});

describe('examples/main --forever', () => {
  it('keeps serving until SIGINT, then closes and exits 0', async () => {
    const child = spawn(process.execPath, [main, '--forever'], { env: { ...process.env, BINDERY_BINDER: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 90000);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('--forever: serving')) resolve();
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', () => reject(new Error(`demo ended before serving: ${output}`)));
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGINT');
      expect(await closed).toBe(0);
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
    }
  });
});
