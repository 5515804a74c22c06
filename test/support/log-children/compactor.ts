/**
 * Compaction crash-test child: appends keyed records to a compacted log on disk while a LogCleaner
 * compacts it in the background, until killed. Prints `ready <logEndOffset>` after recovery, then
 * `ack <cycle> <seq> <firstOffset>` per acknowledged batch and `cleaned <segments>` per cleaning.
 * Batch `seq` holds RECORDS_PER_BATCH records with keys (seq * RECORDS_PER_BATCH + i) % KEYS.
 *
 *   node dist/test/support/log-children/compactor.js <dataDir> <cycle>
 */
import { DiskFileSystem } from '../../../src/broker/storage/DiskFileSystem';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { LogCleaner } from '../../../src/broker/log/LogCleaner';
import type { LogConfig } from '../../../src/broker/log/types';
import { makeBatch } from './batches';
import { ConsoleLogger } from '../../../src/logging';

export const COMPACT_CRASH_CONFIG: Partial<LogConfig> = { cleanupPolicy: 'compact', segmentBytes: 4096, indexIntervalBytes: 256 };
export const KEYS = 12;
export const RECORDS_PER_BATCH = 3;

export function keyOf(seq: number, i: number): string {
  return `key-${(seq * RECORDS_PER_BATCH + i) % KEYS}`;
}

export function compactValue(cycle: number, seq: number, i: number): string {
  return `${cycle}:${seq}:${i}:`.padEnd(40 + ((seq * 13 + i) % 60), 'y');
}

async function main(): Promise<void> {
  const [dataDir, cycleArg] = process.argv.slice(2);
  const cycle = Number(cycleArg);
  const logger = new ConsoleLogger('warn');
  const dir = new LogDirectory(dataDir, { fs: new DiskFileSystem(), logger });
  const log = dir.openLog('compact', 0, COMPACT_CRASH_CONFIG);
  process.stdout.write(`ready ${log.logEndOffset}\n`);
  const cleaner = new LogCleaner({ stepBytes: 1024, logger });
  let cleaning: Promise<void> | null = null;
  for (let seq = 0; seq < 1_000_000; seq++) {
    const records = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({ key: keyOf(seq, i), value: compactValue(cycle, seq, i) }));
    const res = log.append(await makeBatch(records));
    process.stdout.write(`ack ${cycle} ${seq} ${res.firstOffset}\n`);
    if (cleaning === null && seq % 5 === 0) {
      cleaning = cleaner.clean(log).then(
        (r) => void process.stdout.write(`cleaned ${r.segmentsCleaned}\n`),
        (err: unknown) => {
          process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
          process.exit(1);
        },
      );
      void cleaning.finally(() => (cleaning = null));
    }
    if (seq % 50 === 49) dir.flush();
    await new Promise((r) => setImmediate(r));
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
