import { ByteReader, ByteWriter } from '../../../../src/protocol/primitives';
import { bufferView } from '../../../../src/protocol/primitives/bufferView';
import { utf8Bytes, utf8Length } from '../../../../src/protocol/primitives/utf8';

describe('utf8Length', () => {
  test.each(['', 'content-type', 'message-id', 'é', 'naïve-key', '日本語', '😀', 'a'.repeat(32), 'a'.repeat(33), 'ü'.repeat(40), '\ud800'])(
    'matches Buffer.byteLength for %j',
    (s) => expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8')),
  );

  test('header keys with non-ASCII chars are written and read back intact', () => {
    const keys = ['naïve', '日本語', 'ascii-key'];
    const w = new ByteWriter(8);
    for (const key of keys) w.varintString(key);
    const r = new ByteReader(w.toBuffer());
    expect(keys.map(() => r.varintString())).toEqual(keys);
  });
});

describe('utf8Bytes', () => {
  test.each(['', 'k12', 'order-4711', 'é', 'naïve-key', '日本語', '😀', 'a'.repeat(32), 'a'.repeat(33), '\ud800'])('matches Buffer.from for %j', (s) => {
    const bytes = utf8Bytes(s);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes).toEqual(Buffer.from(s));
  });

  test('each call gives bytes of their own', () => {
    const a = utf8Bytes('k1');
    const b = utf8Bytes('k1');
    a[0] = 0x41;
    expect(b.toString()).toBe('k1');
  });
});

describe('bufferView', () => {
  const source = Buffer.from('0123456789abcdef');
  const view = bufferView(source.subarray(4).buffer, source.subarray(4).byteOffset + 2, 5);

  test('is a Buffer over the same memory', () => {
    expect(Buffer.isBuffer(view)).toBe(true);
    expect(view).toBeInstanceOf(Buffer);
    expect(view.constructor).toBe(Buffer);
    expect(view.toString()).toBe('6789a');
    expect(view).toEqual(Buffer.from('6789a'));
    expect(view.equals(Buffer.from('6789a'))).toBe(true);
    expect(view.toJSON()).toEqual(Buffer.from('6789a').toJSON());
    expect(view.toString('hex')).toBe(Buffer.from('6789a').toString('hex'));
    expect(view.subarray(1, 3).toString()).toBe('78');
    expect(Buffer.concat([view, view]).toString()).toBe('6789a6789a');
  });

  test('shares the memory: no copy', () => {
    const bytes = Buffer.from('abc');
    const v = bufferView(bytes.buffer, bytes.byteOffset + 1, 2);
    bytes[1] = 0x42;
    expect(v.toString()).toBe('Bc');
  });

  test('ByteReader.raw returns such views, at the right place of a pooled buffer', () => {
    const pooled = Buffer.from('xxhello');
    const r = new ByteReader(pooled, 2);
    const hello = r.raw(5);
    expect(Buffer.isBuffer(hello)).toBe(true);
    expect(hello.toString()).toBe('hello');
    expect(hello.buffer).toBe(pooled.buffer);
  });
});
