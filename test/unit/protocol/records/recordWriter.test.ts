import { ByteWriter } from '../../../../src/protocol/primitives';
import { writeRecordEntry } from '../../../../src/protocol/records/recordCodec';
import { checkedRecordBodySize, recordSize, writeRecordAt } from '../../../../src/protocol/records/recordWriter';
import type { RecordHeader } from '../../../../src/protocol/records/types';

interface Case {
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

const cases: [string, Case][] = [
  ['small', { timestampDelta: 0, offsetDelta: 0, key: Buffer.from('k1'), value: Buffer.from('v'), headers: [] }],
  ['nulls', { timestampDelta: 5, offsetDelta: 3, key: null, value: null, headers: [{ key: 'h', value: null }] }],
  ['negative and large deltas', { timestampDelta: -(2 ** 40), offsetDelta: 70000, key: null, value: Buffer.from('x'), headers: [] }],
  ['timestamp delta beyond 32 bits', { timestampDelta: 2 ** 45 + 7, offsetDelta: 1, key: null, value: Buffer.alloc(0), headers: [] }],
  ['long value (multi-byte lengths)', { timestampDelta: 1, offsetDelta: 2, key: Buffer.alloc(200, 1), value: Buffer.alloc(20000, 2), headers: [] }],
  [
    'headers with non-ASCII and long keys',
    {
      timestampDelta: 1,
      offsetDelta: 2,
      key: null,
      value: Buffer.from('v'),
      headers: [
        { key: 'naïve', value: Buffer.from('é') },
        { key: '日本', value: null },
        { key: 'k'.repeat(40), value: Buffer.from('long') },
      ],
    },
  ],
];

describe('writeRecordAt', () => {
  test.each(cases)('writes what writeRecordEntry writes: %s', (_name, c) => {
    const expected = new ByteWriter(16);
    writeRecordEntry(expected, { attributes: 0, ...c });
    const body = checkedRecordBodySize(c.timestampDelta, c.offsetDelta, c.key, c.value, c.headers);
    const size = recordSize(body);
    const buf = Buffer.alloc(size + 4, 0xee);
    expect(writeRecordAt(buf, 2, body, c.timestampDelta, c.offsetDelta, c.key, c.value, c.headers)).toBe(2 + size);
    expect(buf.subarray(2, 2 + size)).toEqual(expected.toBuffer());
    expect([buf[0], buf[1], buf[size + 2], buf[size + 3]]).toEqual([0xee, 0xee, 0xee, 0xee]);
  });

  test.each([
    ['a fractional timestamp delta', 0.5, 0],
    ['a timestamp delta beyond 2^52', 2 ** 53, 0],
    ['NaN', Number.NaN, 0],
    ['a negative offset delta', 0, -1],
  ])('refuses %s before anything is written', (_name, timestampDelta, offsetDelta) => {
    expect(() => checkedRecordBodySize(timestampDelta, offsetDelta, null, null, [])).toThrow(RangeError);
  });

  test('refuses a header key that is not a string', () => {
    const headers = [{ key: 7, value: null }] as unknown as RecordHeader[];
    expect(() => checkedRecordBodySize(0, 0, null, null, headers)).toThrow(TypeError);
  });
});
