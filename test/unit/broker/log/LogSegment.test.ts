import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { LogSegment, type SegmentAppendBatch } from '../../../../src/broker/log/LogSegment';
import { decodeRecords, makeBatch } from '../../../support/log-children/batches';

const CONFIG = { indexIntervalBytes: 150, segmentIndexBytes: 1024 };
const T0 = 1_700_000_000_000;

function fsWithDir() {
  const fs = new MemoryFileSystem();
  fs.mkdirp('/d');
  return fs;
}

/** Appends single-record batches with offsets base+i, timestamps T0+10*i; returns their positions. */
async function fill(seg: LogSegment, count: number): Promise<number[]> {
  const positions: number[] = [];
  for (let i = 0; i < count; i++) {
    const offset = seg.baseOffset + i;
    const batch = await makeBatch([{ key: `k${i}`, value: `value-${i}`, timestamp: T0 + 10 * i }], { baseOffset: offset });
    const span: SegmentAppendBatch = { at: 0, size: batch.length, lastOffset: offset, maxTimestamp: T0 + 10 * i };
    positions.push(seg.append(batch, [span]));
  }
  return positions;
}

describe('LogSegment', () => {
  it('names its files by base offset and indexes the start of a batch every indexIntervalBytes', async () => {
    const fs = fsWithDir();
    const seg = LogSegment.create(fs, '/d', 1000, CONFIG);
    const positions = await fill(seg, 10);
    expect(seg.files().log).toBe('/d/00000000000000001000.log');
    expect(seg.nextOffset).toBe(1010);
    expect(seg.offsetIndex.entries).toBeGreaterThan(1);
    for (let i = 0; i < seg.offsetIndex.entries; i++) {
      const e = seg.offsetIndex.entry(i);
      expect(e.position).toBe(positions[e.offset - 1000]);
    }
    const t = seg.timeIndex.lastEntry;
    expect(t.timestamp).toBe(T0 + 10 * (t.offset - 1000));
  });

  it('reads whole batches from any offset, and finds records by timestamp', async () => {
    const seg = LogSegment.create(fsWithDir(), '/d', 0, CONFIG);
    await fill(seg, 10);
    const r = seg.read(7, 1)!;
    expect((await decodeRecords(r.records)).map((x) => x.offset)).toEqual([7]);
    expect(r.nextOffset).toBe(8);
    expect(seg.read(10, 100)).toBeNull();
    expect(seg.offsetForTimestamp(T0 + 41, 0)).toEqual({ offset: 5, timestamp: T0 + 50 });
    expect(seg.offsetForTimestamp(T0 + 1000, 0)).toBeNull();
  });

  it('truncates to an offset, keeping its indexes consistent for further appends', async () => {
    const seg = LogSegment.create(fsWithDir(), '/d', 0, CONFIG);
    const positions = await fill(seg, 10);
    const sizeBefore = seg.size;
    expect(seg.truncateTo(6)).toBe(sizeBefore - positions[6]);
    expect(seg.size).toBe(positions[6]);
    expect(seg.nextOffset).toBe(6);
    expect(seg.maxTimestampSoFar).toBe(T0 + 50);
    expect(seg.offsetIndex.lastOffset).toBeLessThan(6);
    expect(seg.read(6, 100)).toBeNull();
    const again = await makeBatch([{ value: 'again', timestamp: T0 + 55 }], { baseOffset: 6 });
    seg.append(again, [{ at: 0, size: again.length, lastOffset: 6, maxTimestamp: T0 + 55 }]);
    expect((await decodeRecords(seg.read(6, 100)!.records)).map((r) => r.value)).toEqual(['again']);
    expect(seg.offsetForTimestamp(T0 + 51, 0)).toEqual({ offset: 6, timestamp: T0 + 55 });
  });

  it('recover() rebuilds the indexes a crash left out of date', async () => {
    const fs = fsWithDir();
    const seg = LogSegment.create(fs, '/d', 0, CONFIG);
    await fill(seg, 10);
    const entries = seg.offsetIndex.entries;
    seg.closeFiles();
    fs.remove('/d/00000000000000000000.index');
    const { segment, indexesOk } = LogSegment.open(fs, '/d', 0, CONFIG);
    expect(indexesOk).toBe(false);
    expect(segment.recover()).toBeNull();
    expect(segment.offsetIndex.entries).toBe(entries);
    expect(segment.nextOffset).toBe(10);
  });

  it('is trimmed on close so a reopen trusts its indexes', async () => {
    const fs = fsWithDir();
    const seg = LogSegment.create(fs, '/d', 0, CONFIG);
    seg.activate();
    await fill(seg, 10);
    expect(fs.readFile('/d/00000000000000000000.index')!.length).toBe(1024);
    seg.close();
    expect(fs.readFile('/d/00000000000000000000.index')!.length).toBe(8 * seg.offsetIndex.entries);
    const { segment, indexesOk } = LogSegment.open(fs, '/d', 0, CONFIG);
    expect(indexesOk).toBe(true);
    expect(segment.nextOffset).toBe(10);
    expect(segment.maxTimestampSoFar).toBe(T0 + 90);
  });
});
