/**
 * DiskFileSystem keeps at most `maxOpenFiles` descriptors open: handles close their descriptor
 * when it is the least recently used one and reopen it on their next use, with reads, writes,
 * sizes and fsync unchanged by the eviction.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskFileSystem } from '../../../../src/broker/storage/DiskFileSystem';
import { descriptorLimitShare } from '../../../../src/broker/storage/OpenFiles';
import type { FileHandle } from '../../../../src/broker/storage/FileSystem';
import { LogDirectory } from '../../../../src/broker/log/LogDirectory';
import { makeSimpleBatch, decodeRecords } from '../../../support/log-children/batches';
import { describeIfPeer } from '../../../support/peers';
import { silentLogger } from '../../../../src/logging';

const procFds = '/proc/self/fd';

/** Descriptors this process holds on files below `root`. */
function descriptorsUnder(root: string): number {
  let n = 0;
  for (const fd of fs.readdirSync(procFds)) {
    try {
      if (fs.readlinkSync(path.join(procFds, fd)).startsWith(root + path.sep)) n++;
    } catch {
      // the descriptor readdir itself used is gone by now
    }
  }
  return n;
}

let root: string;
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-fds-')));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describeIfPeer('/proc/self/fd (Linux), to count open descriptors', fs.existsSync(procFds), 'DiskFileSystem with a bound on open descriptors', () => {
  it('never holds more than the bound while many files are written and read in turn', () => {
    const bound = 4;
    const disk = new DiskFileSystem({ maxOpenFiles: bound });
    const files: FileHandle[] = [];
    const expected: string[] = [];
    let peak = 0;
    const check = () => (peak = Math.max(peak, descriptorsUnder(root)));
    for (let i = 0; i < 20; i++) {
      files.push(disk.open(path.join(root, `f${i}.log`)));
      expected.push('');
      check();
    }
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < files.length; i++) {
        const chunk = `<${i}:${round}>`;
        expect(files[i].append(Buffer.from(chunk))).toBe(Buffer.byteLength(expected[i]));
        expected[i] += chunk;
        check();
      }
      // a positioned patch in a file evicted since its last write
      files[round].writeAt(Buffer.from('#'), 0);
      expected[round] = '#' + expected[round].slice(1);
    }
    for (let i = files.length - 1; i >= 0; i--) {
      expect(files[i].size()).toBe(Buffer.byteLength(expected[i]));
      expect(files[i].read(0, 1000).toString()).toBe(expected[i]);
      check();
    }
    expect(peak).toBeLessThanOrEqual(bound);
    expect(disk.openDescriptors).toBeLessThanOrEqual(bound);
    for (const f of files) f.close();
    expect(descriptorsUnder(root)).toBe(0);
    for (let i = 0; i < files.length; i++) expect(fs.readFileSync(path.join(root, `f${i}.log`), 'utf8')).toBe(expected[i]);
  });

  it('an evicted handle truncates, extends with zeros and syncs through a reopened descriptor', () => {
    const disk = new DiskFileSystem({ maxOpenFiles: 1 });
    const a = disk.open(path.join(root, 'a.index'));
    a.append(Buffer.from([1, 2, 3, 4]));
    const b = disk.open(path.join(root, 'b.index'));
    b.append(Buffer.from([9]));
    expect(descriptorsUnder(root)).toBe(1);
    a.truncate(8); // preallocation, as an active segment's index does
    expect([...a.read(0, 8)]).toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
    b.sync();
    a.writeAt(Buffer.from([7]), 6);
    b.truncate(0);
    a.sync();
    expect([...fs.readFileSync(path.join(root, 'a.index'))]).toEqual([1, 2, 3, 4, 0, 0, 7, 0]);
    expect(fs.statSync(path.join(root, 'b.index')).size).toBe(0);
    expect(descriptorsUnder(root)).toBe(1);
    a.close();
    b.close();
    expect(disk.openDescriptors).toBe(0);
  });

  it('a closed handle stays closed, and an evicted file removed meanwhile is not silently recreated', () => {
    const disk = new DiskFileSystem({ maxOpenFiles: 1 });
    const a = disk.open(path.join(root, 'a.log'));
    a.append(Buffer.from('abc'));
    a.close();
    expect(() => a.append(Buffer.from('x'))).toThrow(/closed/);
    expect(() => a.read(0, 3)).toThrow(/closed/);
    const b = disk.open(path.join(root, 'b.log'));
    b.append(Buffer.from('b'));
    disk.open(path.join(root, 'c.log')).append(Buffer.from('c')); // evicts b
    fs.rmSync(path.join(root, 'b.log'));
    expect(() => b.read(0, 1)).toThrow(/ENOENT/);
    expect(fs.existsSync(path.join(root, 'b.log'))).toBe(false);
  });

  it('a log directory of many partitions is written, closed and reopened within the bound', async () => {
    const bound = 8;
    const disk = new DiskFileSystem({ maxOpenFiles: bound });
    const quiet = silentLogger;
    let peak = 0;
    const dir = new LogDirectory(root, { fs: disk, logger: quiet });
    for (let p = 0; p < 40; p++) {
      const log = dir.openLog('many', p, { segmentBytes: 1024, indexIntervalBytes: 64 });
      for (let i = 0; i < 6; i++) log.append(await makeSimpleBatch(4, `p${p}-${i}`, 100));
      peak = Math.max(peak, descriptorsUnder(root));
    }
    dir.close();
    expect(descriptorsUnder(root)).toBe(0);

    const reopened = new LogDirectory(root, { fs: new DiskFileSystem({ maxOpenFiles: bound }), logger: quiet });
    for (let p = 0; p < 40; p++) {
      const log = reopened.openLog('many', p, { segmentBytes: 1024, indexIntervalBytes: 64 });
      expect(log.segmentCount).toBeGreaterThan(1);
      const values: string[] = [];
      for (let at = 0; at < log.logEndOffset; ) {
        const r = log.read(at, 1 << 20);
        const records = await decodeRecords(r.records);
        values.push(...records.filter((rec) => rec.offset >= at).map((rec) => String(rec.value)));
        at = records[records.length - 1].offset + 1;
      }
      expect(values).toHaveLength(24);
      expect(values[23]).toMatch(new RegExp(`^p${p}-5-3\\.+$`));
      peak = Math.max(peak, descriptorsUnder(root));
    }
    reopened.close();
    expect(peak).toBeLessThanOrEqual(bound);
  });
});

describe('descriptorLimitShare', () => {
  it('leaves most of a small limit and a fixed reserve to sockets and the runtime', () => {
    for (const limit of [64, 256, 1024, 65536]) {
      const share = descriptorLimitShare(limit);
      expect(share).toBeGreaterThanOrEqual(8);
      expect(share).toBeLessThanOrEqual(limit / 2);
    }
  });
});
