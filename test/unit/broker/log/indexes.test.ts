import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { OffsetIndex } from '../../../../src/broker/log/OffsetIndex';
import { TimeIndex } from '../../../../src/broker/log/TimeIndex';

function setup() {
  const fs = new MemoryFileSystem();
  fs.mkdirp('/d');
  return fs;
}

describe('OffsetIndex', () => {
  it('writes 8-byte big-endian entries relative to the base offset and finds the floor entry', () => {
    const fs = setup();
    const idx = new OffsetIndex(fs.open('/d/x.index'), 100, 1024);
    idx.append(110, 4200);
    idx.append(125, 9000);
    expect(idx.lookup(99)).toEqual({ offset: 100, position: 0 });
    expect(idx.lookup(115)).toEqual({ offset: 110, position: 4200 });
    expect(idx.lookup(125)).toEqual({ offset: 125, position: 9000 });
    expect(idx.lookup(1e6)).toEqual({ offset: 125, position: 9000 });
    idx.close();
    expect([...fs.readFile('/d/x.index')!]).toEqual([0, 0, 0, 10, 0, 0, 0x10, 0x68, 0, 0, 0, 25, 0, 0, 0x23, 0x28]);
  });

  it('is preallocated while active, trimmed on close, and a zero tail ends the entries on load', () => {
    const fs = setup();
    const idx = new OffsetIndex(fs.open('/d/x.index'), 0, 80);
    idx.preallocate();
    idx.append(5, 100);
    expect(fs.readFile('/d/x.index')!.length).toBe(80);
    idx.closeHandle(); // crash: never trimmed
    const loaded = new OffsetIndex(fs.open('/d/x.index'), 0, 80);
    expect(loaded.load(1000)).toBe(true);
    expect(loaded.entries).toBe(1);
    loaded.close();
    expect(fs.readFile('/d/x.index')!.length).toBe(8);
  });

  it('refuses an index pointing past the end of its log', () => {
    const fs = setup();
    const idx = new OffsetIndex(fs.open('/d/x.index'), 0, 80);
    idx.append(5, 5000);
    idx.close();
    expect(new OffsetIndex(fs.open('/d/x.index'), 0, 80).load(4000)).toBe(false);
  });

  it('truncates entries at or above an offset and never goes backwards', () => {
    const fs = setup();
    const idx = new OffsetIndex(fs.open('/d/x.index'), 0, 800);
    idx.append(10, 100);
    idx.append(20, 200);
    idx.append(15, 300);
    expect(idx.entries).toBe(2);
    idx.truncateTo(20);
    expect(idx.entries).toBe(1);
    expect(idx.lookup(30)).toEqual({ offset: 10, position: 100 });
  });

  it('reports full when the configured index size is reached', () => {
    const idx = new OffsetIndex(setup().open('/d/x.index'), 0, 16);
    idx.append(1, 10);
    idx.append(2, 20);
    expect(idx.isFull).toBe(true);
  });
});

describe('TimeIndex', () => {
  it('writes 12-byte entries (int64 timestamp, int32 relative offset), only for increasing timestamps', () => {
    const fs = setup();
    const idx = new TimeIndex(fs.open('/d/x.timeindex'), 50, 1200);
    idx.maybeAppend(1_700_000_000_000, 60);
    idx.maybeAppend(1_700_000_000_000, 70);
    idx.maybeAppend(1_700_000_000_500, 80);
    expect(idx.entries).toBe(2);
    expect(idx.lookup(1_700_000_000_499)).toEqual({ timestamp: 1_700_000_000_000, offset: 60 });
    expect(idx.lookup(1)).toEqual({ timestamp: -1, offset: 50 });
    idx.close();
    const bytes = fs.readFile('/d/x.timeindex')!;
    expect(bytes.length).toBe(24);
    expect(bytes.readBigInt64BE(12)).toBe(1_700_000_000_500n);
    expect(bytes.readInt32BE(20)).toBe(30);
    const loaded = new TimeIndex(fs.open('/d/x.timeindex'), 50, 1200);
    expect(loaded.load(100)).toBe(true);
    expect(loaded.lastEntry).toEqual({ timestamp: 1_700_000_000_500, offset: 80 });
  });

  it('truncates entries at or above an offset', () => {
    const idx = new TimeIndex(setup().open('/d/x.timeindex'), 0, 1200);
    idx.maybeAppend(10, 1);
    idx.maybeAppend(20, 5);
    idx.truncateTo(5);
    expect(idx.lastEntry).toEqual({ timestamp: 10, offset: 1 });
  });
});
