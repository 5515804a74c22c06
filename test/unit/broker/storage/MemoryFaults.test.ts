import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';

function fsWithDir(): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  fs.mkdirp('/d');
  return fs;
}

describe('MemoryFileSystem fault injection', () => {
  it('fails the chosen operation on the chosen file with the chosen errno, as node:fs reports it', () => {
    const fs = fsWithDir();
    const fault = fs.injectFault({ op: 'writeAt', path: '.index', code: 'ENOSPC' });
    const log = fs.open('/d/0.log');
    const index = fs.open('/d/0.index');
    log.writeAt(Buffer.from('fine'), 0);
    let thrown: NodeJS.ErrnoException | null = null;
    try {
      index.writeAt(Buffer.from('nope'), 0);
    } catch (err) {
      thrown = err as NodeJS.ErrnoException;
    }
    expect(thrown).toMatchObject({ code: 'ENOSPC', syscall: 'write', path: '/d/0.index' });
    expect(thrown!.errno).toBeLessThan(0);
    expect(index.size()).toBe(0);
    expect(fault.failures).toBe(1);
    fault.remove();
    index.writeAt(Buffer.from('now'), 0);
    expect(index.read(0, 10).toString()).toBe('now');
  });

  it('lets `after` calls through, fails `times` calls, and leaves the bytes of a short write', () => {
    const fs = fsWithDir();
    fs.injectFault({ op: 'append', path: /\.log$/, code: 'EIO', after: 1, times: 1, partialBytes: 2 });
    const f = fs.open('/d/0.log');
    f.append(Buffer.from('aaaa'));
    expect(() => f.append(Buffer.from('bbbb'))).toThrow(expect.objectContaining({ code: 'EIO' }));
    expect(f.read(0, 100).toString()).toBe('aaaabb');
    f.append(Buffer.from('cc'));
    expect(f.read(0, 100).toString()).toBe('aaaabbcc');
  });

  it('fails a write past its capacity with ENOSPC after writing what fits, and frees space on truncate and remove', () => {
    const fs = fsWithDir();
    fs.setCapacity(10);
    const f = fs.open('/d/a');
    f.append(Buffer.alloc(6, 1));
    expect(() => f.append(Buffer.alloc(6, 2))).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect(f.size()).toBe(10);
    expect(() => fs.writeFileAtomic('/d/meta', Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    f.truncate(4);
    expect(fs.usedBytes).toBe(4);
    fs.writeFileAtomic('/d/meta', Buffer.from('xyz'));
    fs.remove('/d/a');
    expect(fs.usedBytes).toBe(3);
    fs.setCapacity(null);
    fs.open('/d/b').append(Buffer.alloc(100));
  });
});
