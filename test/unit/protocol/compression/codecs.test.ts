import * as zlib from 'node:zlib';
import * as snappy from 'snappy';
import {
  CompressionType,
  CorruptCompressedDataError,
  SyncCompressionUnavailableError,
  UnknownCompressionCodecError,
  codecName,
  compress,
  compressSync,
  decompress,
  decompressSync,
  hasSyncCodec,
  isXerialFramed,
} from '../../../../src/protocol/compression';

function jsonLike(records: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < records; i++) {
    lines.push(JSON.stringify({ id: i, user: `user-${i % 97}`, action: i % 3 === 0 ? 'click' : 'view', at: 1700000000000 + i }));
  }
  return Buffer.from(lines.join('\n'));
}

/** Byte equality without jest's slow element-wise diff of large buffers. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

const small = Buffer.from('hello, hello, hello, record batch');
const large = jsonLike(3000); // > 100 KiB: several snappy blocks, several lz4 blocks
const allCodecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
const syncCodecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4];

describe('compress / decompress round trip', () => {
  test.each(allCodecs)('codec %d (async) returns the original bytes', async (type) => {
    for (const input of [Buffer.alloc(0), small, large]) {
      const packed = await compress(type, input);
      expectSameBytes(await decompress(type, packed), input);
    }
  });

  test.each(syncCodecs)('codec %d (sync) returns the original bytes and agrees with async', async (type) => {
    for (const input of [small, large]) {
      const packed = compressSync(type, input);
      expectSameBytes(decompressSync(type, packed), input);
      expectSameBytes(await decompress(type, packed), input);
      expectSameBytes(decompressSync(type, await compress(type, input)), input);
    }
  });

  test.each([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd])(
    'codec %d actually shrinks repetitive JSON',
    async (type) => {
      expect((await compress(type, large)).length).toBeLessThan(large.length / 2);
    },
  );

  test('accepts a Uint8Array view at an offset', async () => {
    const backing = Buffer.concat([Buffer.from('junk'), small]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, small.length);
    for (const type of allCodecs) expectSameBytes(await decompress(type, await compress(type, view)), small);
  });
});

describe('formats on the wire', () => {
  test('gzip writes a gzip member that zlib reads', async () => {
    const packed = await compress(CompressionType.Gzip, small);
    expect(packed.subarray(0, 2).toString('hex')).toBe('1f8b');
    expectSameBytes(zlib.gunzipSync(packed), small);
  });

  test('gzip honours the level option', async () => {
    const fast = await compress(CompressionType.Gzip, large, { level: 1 });
    const best = await compress(CompressionType.Gzip, large, { level: 9 });
    expectSameBytes(zlib.gunzipSync(fast), large);
    expect(best.length).toBeLessThan(fast.length);
  });

  test('snappy writes the xerial framing: magic, version 1, compatible 1, int32-length blocks of <= 32 KiB input', () => {
    const packed = compressSync(CompressionType.Snappy, large);
    expect(packed.subarray(0, 16).toString('hex')).toBe('82534e4150505900' + '00000001' + '00000001');
    expect(isXerialFramed(packed)).toBe(true);
    let at = 16;
    const decoded: Buffer[] = [];
    while (at < packed.length) {
      const len = packed.readInt32BE(at);
      const block = snappy.uncompressSync(packed.subarray(at + 4, at + 4 + len), { asBuffer: true }) as Buffer;
      expect(block.length).toBeLessThanOrEqual(32 * 1024);
      decoded.push(block);
      at += 4 + len;
    }
    expect(at).toBe(packed.length);
    expect(decoded.length).toBe(Math.ceil(large.length / (32 * 1024)));
    expectSameBytes(Buffer.concat(decoded), large);
  });

  test('snappy reads a bare (unframed) snappy block', async () => {
    const raw = snappy.compressSync(large);
    expect(isXerialFramed(raw)).toBe(false);
    expectSameBytes(decompressSync(CompressionType.Snappy, raw), large);
    expectSameBytes(await decompress(CompressionType.Snappy, raw), large);
  });

  test('snappy reads xerial streams framed by another writer, with uneven block sizes', async () => {
    const a = large.subarray(0, 1000);
    const b = large.subarray(1000, 60000);
    const blocks = [snappy.compressSync(a), snappy.compressSync(b)];
    const header = Buffer.from('82534e415050590000000001' + '00000001', 'hex');
    const parts: Buffer[] = [header];
    for (const blk of blocks) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(blk.length);
      parts.push(len, blk);
    }
    const stream = Buffer.concat(parts);
    expectSameBytes(decompressSync(CompressionType.Snappy, stream), large.subarray(0, 60000));
    expectSameBytes(await decompress(CompressionType.Snappy, stream), large.subarray(0, 60000));
  });

  test('lz4 writes the LZ4 frame format with independent blocks (what Kafka requires)', () => {
    const packed = compressSync(CompressionType.Lz4, small);
    expect(packed.readUInt32LE(0)).toBe(0x184d2204);
    const flg = packed[4];
    expect(flg >> 6).toBe(0b01); // frame version 1
    expect(flg & 0x20).toBe(0x20); // block independence
  });

  test('zstd writes a zstd frame', async () => {
    const packed = await compress(CompressionType.Zstd, small);
    expect(packed.readUInt32LE(0)).toBe(0xfd2fb528);
  });
});

describe('typed errors', () => {
  test.each([5, 6, 7, -1])('codec id %d is an UnknownCompressionCodecError', async (id) => {
    const type = id as CompressionType;
    await expect(compress(type, small)).rejects.toBeInstanceOf(UnknownCompressionCodecError);
    await expect(decompress(type, small)).rejects.toBeInstanceOf(UnknownCompressionCodecError);
    expect(() => compressSync(type, small)).toThrow(UnknownCompressionCodecError);
    expect(() => decompressSync(type, small)).toThrow(UnknownCompressionCodecError);
    expect(() => codecName(type)).toThrow(expect.objectContaining({ code: 'UNKNOWN_COMPRESSION_CODEC' }));
  });

  test('zstd has no sync path and says so with a typed error', () => {
    expect(hasSyncCodec(CompressionType.Zstd)).toBe(false);
    expect(hasSyncCodec(CompressionType.Lz4)).toBe(true);
    expect(() => compressSync(CompressionType.Zstd, small)).toThrow(SyncCompressionUnavailableError);
    expect(() => decompressSync(CompressionType.Zstd, small)).toThrow(
      expect.objectContaining({ code: 'COMPRESSION_SYNC_UNAVAILABLE' }),
    );
  });

  test.each([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd])(
    'garbage given to codec %d is a CorruptCompressedDataError',
    async (type) => {
      const garbage = Buffer.from('this is not compressed data at all, really not');
      await expect(decompress(type, garbage)).rejects.toBeInstanceOf(CorruptCompressedDataError);
      if (hasSyncCodec(type)) expect(() => decompressSync(type, garbage)).toThrow(CorruptCompressedDataError);
    },
  );

  test('a truncated xerial stream is a CorruptCompressedDataError', async () => {
    const packed = compressSync(CompressionType.Snappy, large);
    const cut = packed.subarray(0, packed.length - 10);
    expect(() => decompressSync(CompressionType.Snappy, cut)).toThrow(CorruptCompressedDataError);
    await expect(decompress(CompressionType.Snappy, cut)).rejects.toBeInstanceOf(CorruptCompressedDataError);
  });

  test('codec names', () => {
    expect(allCodecs.map(codecName)).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  });
});
