import { verifyDataDir } from '../../broker/log/verifyDataDir';
import { DiskFileSystem } from '../../broker/storage/DiskFileSystem';
import { parseOptions, requiredOpt, UsageError, type CliIO } from '../args';

const SPEC = {
  'data-dir': { type: 'string' },
} as const;

/**
 * `bindery verify-data-dir --data-dir <dir>`: reads every segment of a broker's data directory
 * offline and prints each bad batch (file, byte, offsets, why) and each index entry that does not
 * point at its batch. Exit code 0 when everything is intact, 1 when anything is bad.
 */
export async function verifyDataDirCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, SPEC);
  const dataDir = requiredOpt(values, 'data-dir');
  const fs = new DiskFileSystem();
  if (!fs.exists(dataDir)) throw new UsageError(`--data-dir ${dataDir} does not exist`);
  const report = verifyDataDir(fs, dataDir);
  for (const p of report.problems) {
    io.out(`BAD ${p.file} byte ${p.position}${p.offsets === null ? '' : ` offsets ${p.offsets}`}: ${p.reason}`);
  }
  io.out(
    `verified ${report.partitions} partitions, ${report.segments} segments, ${report.batches} batches: ` +
      (report.problems.length === 0 ? 'no problems' : `${report.problems.length} problems`),
  );
  return report.problems.length === 0 ? 0 : 1;
}
