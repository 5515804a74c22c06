/**
 * kafkajs 2.2.4 hangs the whole process when a consumer is stopped while its fetchers are being
 * rebuilt for a changed set of brokers (a broker died). The kafka binder installs a fix
 * (src/binder/kafka/consumerStopFix.ts); these tests run kafkajs' own Runner in a worker thread,
 * so a spinning event loop there cannot stall this one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER = path.resolve(__dirname, '../../../../dist/test/support/kafkajs-children/runnerStop.js');
/** Far above the few milliseconds the stop takes; only a hung worker reaches it. */
const BOUND_MS = 10000;
/** A spinning worker never answers; this long shows it. */
const HANG_SHOWN_MS = 3000;

type Outcome = 'stopped' | 'hung' | string;

async function stopDuringFetcherRebuild(fixed: boolean, boundMs: number): Promise<Outcome> {
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER} is missing: build with \`npx tsc -p .\` first (npm test does)`);
  const worker = new Worker(WORKER, { workerData: { fixed } });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Outcome>((resolve, reject) => {
      worker.on('message', (message: unknown) => resolve(message === 'stopped' ? 'stopped' : JSON.stringify(message)));
      worker.on('error', reject);
      timer = setTimeout(() => resolve('hung'), boundMs);
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

describe('stopping a kafkajs consumer while its fetchers are rebuilt', () => {
  it('completes with the kafka binder fix installed', async () => {
    expect(await stopDuringFetcherRebuild(true, BOUND_MS)).toBe('stopped');
  }, BOUND_MS + 5000);

  it('hangs without it (kafkajs 2.2.4; once this fails, kafkajs fixed it and the fix can go)', async () => {
    expect(await stopDuringFetcherRebuild(false, HANG_SHOWN_MS)).toBe('hung');
  });
});
