import { ByteReader, ByteWriter, ProtocolDecodeError } from '../../../../src/protocol/primitives';

describe('fixed-width integers', () => {
  test('big-endian layout and round trip of every width', () => {
    const w = new ByteWriter(16)
      .int8(-2)
      .uint8(250)
      .int16(-2)
      .uint16(65535)
      .int32(-2)
      .uint32(0xfffffffe)
      .int64(-2n)
      .int64n(-2)
      .int64n(2 ** 40 + 5)
      .bool(true)
      .float64(1.5);
    expect(w.toBuffer().toString('hex')).toBe(
      'fe' + 'fa' + 'fffe' + 'ffff' + 'fffffffe' + 'fffffffe' + 'fffffffffffffffe' + 'fffffffffffffffe' + '0000010000000005' + '01' + '3ff8000000000000',
    );
    const r = new ByteReader(w.toBuffer());
    expect([r.int8(), r.uint8(), r.int16(), r.uint16(), r.int32(), r.uint32()]).toEqual([-2, 250, -2, 65535, -2, 0xfffffffe]);
    expect(r.int64()).toBe(-2n);
    expect(r.int64n()).toBe(-2);
    expect(r.int64n()).toBe(2 ** 40 + 5);
    expect(r.bool()).toBe(true);
    expect(r.float64()).toBe(1.5);
    expect(r.remaining).toBe(0);
  });

  test('int64n handles the extremes of the exact range', () => {
    for (const v of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -1, 0, 2 ** 32, -(2 ** 32)]) {
      const buf = new ByteWriter().int64n(v).toBuffer();
      expect(buf.readBigInt64BE(0)).toBe(BigInt(v));
      expect(new ByteReader(buf).int64n()).toBe(v);
    }
  });

  test('the writer grows past its initial capacity without losing bytes', () => {
    const w = new ByteWriter(1);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const r = new ByteReader(w.toBuffer());
    for (let i = 0; i < 1000; i++) expect(r.int32()).toBe(i);
  });

  test('reserve and patch fill in lengths after the fact', () => {
    const w = new ByteWriter();
    const at = w.reserve(4);
    w.string('abc');
    w.patchInt32(at, w.length - 4);
    const crcAt = w.reserve(4);
    w.patchUInt32(crcAt, 0xdeadbeef);
    expect(w.toBuffer().toString('hex')).toBe('00000005' + '0003616263' + 'deadbeef');
  });

  test('toBufferCopy is independent of later writes', () => {
    const w = new ByteWriter(16);
    w.int8(1);
    const copy = w.toBufferCopy();
    w.reserve(0);
    for (let i = 0; i < 64; i++) w.int8(9);
    expect(copy).toEqual(Buffer.from([1]));
  });
});

describe('strings and bytes', () => {
  test('classic STRING / NULLABLE_STRING / BYTES', () => {
    const w = new ByteWriter().string('hé').nullableString(null).nullableString('').bytes(Buffer.from([1, 2])).nullableBytes(null);
    expect(w.toBuffer().toString('hex')).toBe('000368c3a9' + 'ffff' + '0000' + '000000020102' + 'ffffffff');
    const r = new ByteReader(w.toBuffer());
    expect(r.string()).toBe('hé');
    expect(r.nullableString()).toBeNull();
    expect(r.nullableString()).toBe('');
    expect(r.bytes()).toEqual(Buffer.from([1, 2]));
    expect(r.nullableBytes()).toBeNull();
  });

  test('compact forms store length + 1 and 0 for null', () => {
    const w = new ByteWriter()
      .compactString('abc')
      .compactNullableString(null)
      .compactNullableString('')
      .compactBytes(Buffer.from([7]))
      .compactNullableBytes(null);
    expect(w.toBuffer().toString('hex')).toBe('04616263' + '00' + '01' + '0207' + '00');
    const r = new ByteReader(w.toBuffer());
    expect(r.compactString()).toBe('abc');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactNullableString()).toBe('');
    expect(r.compactBytes()).toEqual(Buffer.from([7]));
    expect(r.compactNullableBytes()).toBeNull();
  });

  test('a compact string longer than 127 bytes uses a multi-byte length', () => {
    const s = 'x'.repeat(200);
    const buf = new ByteWriter().compactString(s).toBuffer();
    expect(buf.subarray(0, 2).toString('hex')).toBe('c901');
    expect(new ByteReader(buf).compactString()).toBe(s);
  });

  test('null where a value is required is a decode error', () => {
    expect(() => new ByteReader(Buffer.from('ffff', 'hex')).string()).toThrow(ProtocolDecodeError);
    expect(() => new ByteReader(Buffer.from('00', 'hex')).compactString()).toThrow(/null COMPACT_STRING/);
    expect(() => new ByteReader(Buffer.from('00', 'hex')).compactBytes()).toThrow(ProtocolDecodeError);
    expect(() => new ByteReader(Buffer.from('ffffffff', 'hex')).bytes()).toThrow(ProtocolDecodeError);
  });

  test('record-format VARINT bytes and strings (-1 = null)', () => {
    const w = new ByteWriter().varintBytes(null).varintBytes(Buffer.alloc(0)).varintBytes(Buffer.from('ab')).varintString('k€');
    expect(w.toBuffer().toString('hex')).toBe('01' + '00' + '046162' + '086be282ac');
    const r = new ByteReader(w.toBuffer());
    expect(r.varintBytes()).toBeNull();
    expect(r.varintBytes()).toEqual(Buffer.alloc(0));
    expect(r.varintBytes()).toEqual(Buffer.from('ab'));
    expect(r.varintString()).toBe('k€');
  });

  test('strings of every length around the short-ASCII path, ASCII and not, round trip in every string form', () => {
    const samples: string[] = [];
    for (let n = 0; n <= 40; n++) samples.push('a'.repeat(n), 'é'.repeat(n), `${'b'.repeat(n)}😀`, `\u0000${'c'.repeat(n)}`);
    for (const s of samples) {
      const w = new ByteWriter(4).string(s).compactString(s).varintString(s);
      const buf = w.toBuffer();
      const r = new ByteReader(buf);
      expect([r.string(), r.compactString(), r.varintString()]).toEqual([s, s, s]);
      expect(buf.includes(Buffer.from(s, 'utf8'))).toBe(true);
    }
  });

  test('UUID round trip and validation', () => {
    const id = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const buf = new ByteWriter().uuid(id).toBuffer();
    expect(buf.toString('hex')).toBe(id.replace(/-/g, ''));
    expect(new ByteReader(buf).uuid()).toBe(id);
    expect(() => new ByteWriter().uuid('abc')).toThrow(RangeError);
  });
});

describe('bounds', () => {
  test('every read past the end throws ProtocolDecodeError naming what was read', () => {
    const empty = (): ByteReader => new ByteReader(Buffer.alloc(3));
    expect(() => empty().int32()).toThrow(/cannot read INT32: needs 4 bytes at offset 0, only 3 remain/);
    expect(() => empty().int64()).toThrow(ProtocolDecodeError);
    expect(() => empty().int64n()).toThrow(ProtocolDecodeError);
    expect(() => empty().raw(4)).toThrow(ProtocolDecodeError);
    expect(() => empty().skip(4)).toThrow(ProtocolDecodeError);
  });

  test('a forged length cannot read beyond the reader end even inside a larger buffer', () => {
    // The reader is limited to the first 5 bytes; the length claims 100.
    const buf = Buffer.concat([Buffer.from('00000064', 'hex'), Buffer.alloc(200)]);
    const r = new ByteReader(buf, 0, 5);
    expect(() => r.bytes()).toThrow(/needs 100 bytes at offset 4, only 1 remain/);
  });

  test('negative record lengths other than -1 are refused', () => {
    expect(() => new ByteReader(Buffer.from('03', 'hex')).varintBytes()).toThrow(ProtocolDecodeError);
    expect(() => new ByteReader(Buffer.from('01', 'hex')).varintString()).toThrow(ProtocolDecodeError);
  });

  test('raw returns a view that shares memory with the input', () => {
    const buf = Buffer.from([1, 2, 3, 4]);
    const view = new ByteReader(buf, 1).raw(2);
    buf[1] = 9;
    expect(view[0]).toBe(9);
  });
});
