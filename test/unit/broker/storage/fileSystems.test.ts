import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskFileSystem } from '../../../../src/broker/storage/DiskFileSystem';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import type { FileSystem } from '../../../../src/broker/storage/FileSystem';

const tmpRoots: string[] = [];
afterAll(() => {
  for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true });
});

const cases: Array<[string, () => { fs: FileSystem; root: string }]> = [
  ['DiskFileSystem', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-fs-'));
    tmpRoots.push(root);
    return { fs: new DiskFileSystem(), root };
  }],
  ['MemoryFileSystem', () => {
    const mem = new MemoryFileSystem();
    mem.mkdirp('/data');
    return { fs: mem, root: '/data' };
  }],
];

describe.each(cases)('%s', (_name, make) => {
  let fsys: FileSystem;
  let root: string;
  beforeEach(() => ({ fs: fsys, root } = make()));

  it('appends, reads back, patches in place, truncates', () => {
    const f = fsys.open(path.join(root, 'a.log'));
    expect(f.append(Buffer.from('hello'))).toBe(0);
    expect(f.append(Buffer.from(' world'))).toBe(5);
    expect(f.size()).toBe(11);
    f.writeAt(Buffer.from('J'), 0);
    expect(f.read(0, 100).toString()).toBe('Jello world');
    expect(f.read(6, 3).toString()).toBe('wor');
    f.truncate(5);
    expect(f.read(0, 100).toString()).toBe('Jello');
    f.sync();
    f.close();
    const again = fsys.open(path.join(root, 'a.log'));
    expect(again.size()).toBe(5);
    again.close();
  });

  it('a file extended by truncate reads zeros past the written bytes', () => {
    const f = fsys.open(path.join(root, 'idx'));
    f.append(Buffer.from([1, 2]));
    f.truncate(8);
    expect([...f.read(0, 8)]).toEqual([1, 2, 0, 0, 0, 0, 0, 0]);
    f.close();
  });

  it('lists, renames, removes and writes small files atomically', () => {
    const dir = path.join(root, 'topic-0');
    expect(fsys.list(dir)).toEqual([]);
    fsys.mkdirp(dir);
    fsys.open(path.join(dir, 'x')).close();
    fsys.writeFileAtomic(path.join(dir, 'cp'), Buffer.from('0\n0\n'));
    expect(fsys.readFile(path.join(dir, 'cp'))?.toString()).toBe('0\n0\n');
    expect(fsys.readFile(path.join(dir, 'missing'))).toBeNull();
    fsys.rename(path.join(dir, 'x'), path.join(dir, 'y'));
    expect(fsys.list(dir).sort()).toEqual(['cp', 'y']);
    expect(fsys.exists(path.join(dir, 'y'))).toBe(true);
    expect(typeof fsys.mtimeMs(path.join(dir, 'y'))).toBe('number');
    fsys.remove(path.join(dir, 'y'));
    expect(fsys.list(dir)).toEqual(['cp']);
    fsys.removeDir(dir);
    expect(fsys.exists(dir)).toBe(false);
  });
});
