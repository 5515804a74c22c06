import { decodeFetched } from '../../../../src/binder/native/decodeFetched';
import { BatchHeaderView } from '../../../../src/protocol/records/batchHeader';
import { encodeRecordBatch } from '../../../../src/protocol/records/encodeBatch';
import { CompressionType } from '../../../../src/protocol/records/types';

async function batch(baseOffset: number, values: string[], options: { isControl?: boolean; compression?: CompressionType } = {}): Promise<Buffer> {
  const bytes = await encodeRecordBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })), ...options });
  // The broker stamps offsets in place on append (outside the CRC), as here.
  new BatchHeaderView(bytes).baseOffset = baseOffset;
  return bytes;
}

describe('decodeFetched', () => {
  it('skips records below the fetch offset and control batches, and continues after the last batch', async () => {
    const stored = Buffer.concat([
      await batch(10, ['a', 'b', 'c']),
      await batch(13, ['marker'], { isControl: true }),
      await batch(14, ['d', 'e'], { compression: CompressionType.Zstd }),
    ]);
    const decoded = await decodeFetched('t', 2, stored, 11);
    expect(decoded.records.map((r) => [r.offset, r.value!.toString()])).toEqual([
      [11, 'b'],
      [12, 'c'],
      [14, 'd'],
      [15, 'e'],
    ]);
    expect(decoded.records.every((r) => r.topic === 't' && r.partition === 2)).toBe(true);
    expect(decoded.nextOffset).toBe(16);
  });

  it('moves past a trailing control batch even when it delivers nothing', async () => {
    const stored = Buffer.concat([await batch(5, ['x']), await batch(6, ['marker'], { isControl: true })]);
    const decoded = await decodeFetched('t', 0, stored, 6);
    expect(decoded.records).toEqual([]);
    expect(decoded.nextOffset).toBe(7);
  });

  it('ignores a partial batch at the end of a fetch', async () => {
    const whole = await batch(0, ['one']);
    const next = await batch(1, ['two']);
    const decoded = await decodeFetched('t', 0, Buffer.concat([whole, next.subarray(0, 20)]), 0);
    expect(decoded.records.map((r) => r.value!.toString())).toEqual(['one']);
    expect(decoded.nextOffset).toBe(1);
  });
});
