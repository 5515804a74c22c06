/**
 * Crash-test child: opens a log directory on disk and appends batches until killed, printing one
 * line per acknowledged batch on stdout (`ack <cycle> <seq> <firstOffset> <lastOffset>`), after
 * `ready <logEndOffset>` once recovery is done. Record values are `<cycle>:<seq>:<i>` so the
 * parent can check the log content without having seen every append.
 *
 *   node dist/test/support/log-children/appender.js <dataDir> <cycle>
 */
import { DiskFileSystem } from '../../../src/broker/storage/DiskFileSystem';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { makeBatch } from './batches';
import { ConsoleLogger } from '../../../src/logging';

export const CRASH_LOG_CONFIG = { segmentBytes: 48 * 1024, indexIntervalBytes: 512 };

export function recordValue(cycle: number, seq: number, i: number): string {
  return `${cycle}:${seq}:${i}:`.padEnd(20 + ((cycle * 31 + seq * 7 + i) % 200), 'x');
}

export function recordsInBatch(seq: number): number {
  return 1 + (seq % 5);
}

async function main(): Promise<void> {
  const [dataDir, cycleArg] = process.argv.slice(2);
  const cycle = Number(cycleArg);
  const dir = new LogDirectory(dataDir, { fs: new DiskFileSystem(), logger: new ConsoleLogger('warn') });
  const log = dir.openLog('crash', 0, CRASH_LOG_CONFIG);
  process.stdout.write(`ready ${log.logEndOffset}\n`);
  for (let seq = 0; seq < 1_000_000; seq++) {
    const records = Array.from({ length: recordsInBatch(seq) }, (_, i) => ({ key: `k${i}`, value: recordValue(cycle, seq, i) }));
    const res = log.append(await makeBatch(records));
    process.stdout.write(`ack ${cycle} ${seq} ${res.firstOffset} ${res.lastOffset}\n`);
    if (seq % 40 === 39) dir.flush();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
