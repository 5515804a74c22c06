import { ByteReader, ByteWriter, ProtocolDecodeError } from '../../../../src/protocol/primitives';

// kafkajs' own encoder: an independent implementation of the same wire grammar.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkajsEncoder = require('kafkajs/src/protocol/encoder') as new () => {
  writeVarInt(v: number): unknown;
  writeVarLong(v: unknown): unknown;
  writeUVarInt(v: number): unknown;
  buffer: Buffer;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Long = require('kafkajs/src/utils/long') as { fromString(s: string): unknown };

const hex = (w: ByteWriter): string => w.toBuffer().toString('hex');
const reader = (h: string): ByteReader => new ByteReader(Buffer.from(h, 'hex'));

describe('zigzag VARINT', () => {
  test.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [-65, '8101'],
    [300, 'd804'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ])('%d encodes as %s and decodes back', (value, encoded) => {
    expect(hex(new ByteWriter().varint(value))).toBe(encoded);
    const r = reader(encoded);
    expect(r.varint()).toBe(value);
    expect(r.remaining).toBe(0);
  });

  test('matches kafkajs over a sweep of 32-bit values', () => {
    const values = [0, 1, -1, 127, 128, -128, 8191, 8192, -8193, 1 << 20, -(1 << 20), 2 ** 30, -(2 ** 30), 2 ** 31 - 1, -(2 ** 31)];
    for (let v = -70000; v < 70000; v += 997) values.push(v);
    for (const v of values) {
      const theirs = new KafkajsEncoder();
      theirs.writeVarInt(v);
      const ours = new ByteWriter().varint(v).toBuffer();
      expect(ours.toString('hex')).toBe(theirs.buffer.toString('hex'));
      expect(new ByteReader(ours).varint()).toBe(v);
    }
  });

  test('refuses values outside 32 bits instead of truncating them', () => {
    expect(() => new ByteWriter().varint(2 ** 31)).toThrow(RangeError);
    expect(() => new ByteWriter().varint(-(2 ** 31) - 1)).toThrow(RangeError);
    expect(() => new ByteWriter().varint(1.5)).toThrow(RangeError);
  });

  test('decoding a varint wider than 32 bits is a decode error', () => {
    expect(() => reader('8080808010').varint()).toThrow(ProtocolDecodeError);
  });
});

describe('zigzag VARLONG', () => {
  test.each([
    [2 ** 31, '8080808010'],
    [-(2 ** 31) - 1, '8180808010'],
    [2 ** 32, '8080808020'],
    [-(2 ** 32), 'ffffffff1f'],
    [2 ** 52, '8080808080808010'],
    [-(2 ** 52), 'ffffffffffffff0f'],
  ])('%d encodes as %s and decodes back', (value, encoded) => {
    expect(hex(new ByteWriter().varlong(value))).toBe(encoded);
    expect(reader(encoded).varlong()).toBe(value);
  });

  test('matches kafkajs (Long) for values beyond 2^31, both signs', () => {
    const values = [0, -1, 2 ** 31, -(2 ** 31), 2 ** 31 + 1, -(2 ** 31) - 1, 2 ** 40 + 3, -(2 ** 40) - 3, 1700000000000, 1597425188775, -1597425188775, 2 ** 52, -(2 ** 52)];
    for (const v of values) {
      const theirs = new KafkajsEncoder();
      theirs.writeVarLong(Long.fromString(String(v)));
      expect(hex(new ByteWriter().varlong(v))).toBe(theirs.buffer.toString('hex'));
      expect(new ByteReader(theirs.buffer).varlong()).toBe(v);
    }
  });

  test('bigint form covers the whole 64-bit range', () => {
    const max = 2n ** 63n - 1n;
    const min = -(2n ** 63n);
    expect(hex(new ByteWriter().varlongBig(max))).toBe('feffffffffffffffff01');
    expect(hex(new ByteWriter().varlongBig(min))).toBe('ffffffffffffffffff01');
    expect(reader('feffffffffffffffff01').varlongBig()).toBe(max);
    expect(reader('ffffffffffffffffff01').varlongBig()).toBe(min);
    expect(reader('01').varlongBig()).toBe(-1n);
  });

  test('refuses numbers it cannot encode exactly', () => {
    expect(() => new ByteWriter().varlong(2 ** 53)).toThrow(RangeError);
    expect(() => new ByteWriter().varlong(0.5)).toThrow(RangeError);
  });
});

describe('UNSIGNED_VARINT', () => {
  test.each([
    [0, '00'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [0xffffffff, 'ffffffff0f'],
    [2 ** 35, '8080808080 01'.replace(' ', '')],
  ])('%d encodes as %s and decodes back', (value, encoded) => {
    expect(hex(new ByteWriter().uvarint(value))).toBe(encoded);
    expect(reader(encoded).uvarint()).toBe(value);
  });

  test('refuses negative and fractional values', () => {
    expect(() => new ByteWriter().uvarint(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().uvarint(2.5)).toThrow(RangeError);
    expect(() => new ByteWriter().uvarint(Number.NaN)).toThrow(RangeError);
  });

  test('a truncated varint is a decode error, not garbage', () => {
    expect(() => reader('8080').uvarint()).toThrow(ProtocolDecodeError);
    expect(() => reader('').uvarint()).toThrow(ProtocolDecodeError);
  });

  test('more than ten continuation bytes is a decode error', () => {
    expect(() => reader('ffffffffffffffffffff01').uvarint()).toThrow(/longer than 10 bytes/);
  });
});
