/**
 * A host with its own shutdown hooks: bindery never re-raises a signal the host handles, and with
 * shutdownOnSignals: false it leaves the signal to the host, which calls app.close() itself.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const child = path.resolve(__dirname, '../../../dist/test/integration/framework/hostSignalChild.js');

async function runUntilSignalled(mode: 'both' | 'host'): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  expect(fs.existsSync(child)).toBe(true); // built by `npm test`'s pretest (locally: npx tsc -p .)
  const proc = spawn(process.execPath, [child, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const killer = setTimeout(() => proc.kill('SIGKILL'), 60000);
  try {
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready') && output.includes('handled 1')) resolve();
      });
      proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void closed.then(() => reject(new Error(`child ended early: ${output}`)));
    });
    proc.kill('SIGTERM');
    return { ...(await closed), output };
  } finally {
    clearTimeout(killer);
    proc.kill('SIGKILL');
  }
}

describe('signals in a host with its own handlers', () => {
  it('bindery closes on SIGTERM but does not re-raise it when the host handles it', async () => {
    const { code, signal, output } = await runUntilSignalled('both');
    expect(output).toContain('[bindery] SIGTERM received: shutting down');
    expect(output).toContain('bindery closed on SIGTERM');
    expect(output).toContain('host closed; running=false committed=1');
    expect(output).not.toContain('re-raised');
    expect(output.match(/host handler/g)).toHaveLength(1);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('with shutdownOnSignals: false the host closes the app itself', async () => {
    const { code, signal, output } = await runUntilSignalled('host');
    expect(output).not.toContain('[bindery] SIGTERM received');
    expect(output).toContain('host closed; running=false committed=1');
    expect(output).not.toContain('re-raised');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
