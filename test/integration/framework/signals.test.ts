/** SIGTERM / SIGINT close the application gracefully, then the process ends by the signal as usual. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const child = path.resolve(__dirname, '../../../dist/test/integration/framework/signalChild.js');

describe.each(['SIGTERM', 'SIGINT'] as const)('on %s', (signal) => {
  it('closes gracefully and ends the process', async () => {
    expect(fs.existsSync(child)).toBe(true); // built by `npm test`'s pretest (locally: npx tsc -p .)
    const proc = spawn(process.execPath, [child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const killer = setTimeout(() => proc.kill('SIGKILL'), 60000);
    try {
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('ready') && output.includes('handled 1')) resolve();
        });
        proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        proc.on('close', () => reject(new Error(`child ended early: ${output}`)));
      });
      proc.kill(signal);
      const ended = await new Promise<NodeJS.Signals | null>((resolve) => proc.on('close', (_code, sig) => resolve(sig)));
      expect(ended).toBe(signal);
      expect(output).toContain(`[bindery] ${signal} received: shutting down`);
      expect(output).toContain(`closed on ${signal}; running=false committed=1`);
    } finally {
      clearTimeout(killer);
      proc.kill('SIGKILL');
    }
  });
});
