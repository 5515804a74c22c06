import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { makeSimpleBatch } from '../../support/log-children/batches';
import { silentLogger } from '../../../src/logging';

let root: string;
beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-verify-'))));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: new PassThrough() });
  return { code, out, err };
}

/** Two partitions on disk, cleanly closed; returns the batch positions of orders-0. */
async function writeDataDir(): Promise<Array<{ position: number; first: number }>> {
  const dir = new LogDirectory(root, { logger: silentLogger });
  const orders = dir.openLog('orders', 0, { segmentBytes: 4096, indexIntervalBytes: 500 });
  const payments = dir.openLog('payments', 0);
  const positions = [];
  for (let i = 0; i < 40; i++) {
    const r = orders.append(await makeSimpleBatch(3, `o${i}`, 60));
    positions.push({ position: r.position, first: r.firstOffset });
    payments.append(await makeSimpleBatch(1, `p${i}`));
  }
  dir.close();
  return positions;
}

const seg0 = () => path.join(root, 'orders-0', '00000000000000000000.log');

describe('bindery verify-data-dir', () => {
  it('reports an intact data directory with exit code 0', async () => {
    await writeDataDir();
    const { code, out } = await run('verify-data-dir', '--data-dir', root);
    expect(out).toEqual([expect.stringMatching(/^verified 2 partitions, \d+ segments, 80 batches: no problems$/)]);
    expect(code).toBe(0);
  });

  it('names every damaged batch by file, byte and offsets, keeps reading after it, and exits 1', async () => {
    const positions = await writeDataDir();
    const bytes = fs.readFileSync(seg0());
    const victims = positions.filter((p) => p.position > 0 && p.position < bytes.length).slice(2, 6).filter((_, i) => i % 2 === 0);
    for (const v of victims) bytes[v.position + 70] ^= 0xff;
    fs.writeFileSync(seg0(), bytes);
    const { code, out } = await run('verify-data-dir', '--data-dir', root);
    expect(code).toBe(1);
    const bad = out.filter((l) => l.startsWith('BAD '));
    expect(bad.map((l) => l.split(': CRC-32C mismatch')[0])).toEqual(victims.map((v) => `BAD ${seg0()} byte ${v.position} offsets ${v.first}..${v.first + 2}`));
    expect(out[out.length - 1]).toMatch(/: 2 problems$/);
  });

  it('reports an index entry that points where its batch does not start', async () => {
    const positions = await writeDataDir();
    const indexFile = path.join(root, 'orders-0', '00000000000000000000.index');
    const index = fs.readFileSync(indexFile);
    expect(index.length).toBeGreaterThanOrEqual(16);
    const rel = index.readInt32BE(0);
    const later = positions.find((p) => p.first > rel + 3)!;
    index.writeInt32BE(later.position, 4);
    fs.writeFileSync(indexFile, index);
    const { code, out } = await run('verify-data-dir', '--data-dir', root);
    expect(code).toBe(1);
    expect(out.filter((l) => l.startsWith('BAD '))).toEqual([
      `BAD ${indexFile} byte 0 offsets ${rel}: index entry (offset ${rel}, byte ${later.position}): the batch there starts at offset ${later.first}, after the entry's offset`,
    ]);
  });

  it('reports a time index entry naming an offset outside its segment', async () => {
    await writeDataDir();
    const timeIndexFile = path.join(root, 'orders-0', '00000000000000000000.timeindex');
    const timeIndex = fs.readFileSync(timeIndexFile);
    expect(timeIndex.length).toBeGreaterThanOrEqual(12);
    timeIndex.writeInt32BE(100_000, timeIndex.length - 4);
    fs.writeFileSync(timeIndexFile, timeIndex);
    const { code, out } = await run('verify-data-dir', '--data-dir', root);
    expect(code).toBe(1);
    const bad = out.filter((l) => l.startsWith('BAD '));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(new RegExp(`^BAD ${timeIndexFile} byte ${timeIndex.length - 12} offsets 100000: time index entry \\(timestamp \\d+, offset 100000\\): the offset is outside the segment`));
  });

  it('needs --data-dir', async () => {
    const { code, err } = await run('verify-data-dir');
    expect(code).toBe(2);
    expect(err[0]).toContain('--data-dir');
  });
});
