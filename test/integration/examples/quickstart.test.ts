/** The README quick start (examples/quickstart.ts) runs as written; the binder comes from BINDERY_BINDER. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registeredBinders } from '../../../src';

const script = path.resolve(__dirname, '../../../dist/examples/quickstart.js');
const binders = registeredBinders().filter((name) => name !== 'kafka');

describe.each(binders)('README quick start on the %s binder', (binder) => {
  it('sends an order, charges it and exits 0', async () => {
    expect(fs.existsSync(script)).toBe(true); // built by `npm test`'s pretest (locally: npx tsc -p .)
    const child = spawn(process.execPath, [script], { env: { ...process.env, BINDERY_BINDER: binder }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('charged 42 for order o-1') });
    expect(output).toMatch(/sent to orders-\d+ at offset 0/);
    expect(output).toContain('ledger total: 42');
  });
});
