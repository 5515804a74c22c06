import { FrameReader, FrameTooLargeError } from '../../../../src/broker/server/FrameReader';

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

describe('FrameReader', () => {
  it('splits frames arriving one byte at a time and several per chunk', () => {
    const a = Buffer.from('hello');
    const b = Buffer.from('world, longer payload');
    const wire = Buffer.concat([frame(a), frame(b), frame(Buffer.alloc(0))]);
    const byteByByte = new FrameReader(1024);
    const got: Buffer[] = [];
    for (const byte of wire) got.push(...byteByByte.push(Buffer.from([byte])));
    expect(got.map((f) => f.toString())).toEqual(['hello', 'world, longer payload', '']);
    expect(byteByByte.pendingBytes).toBe(0);
    const whole = new FrameReader(1024).push(wire);
    expect(whole.map((f) => f.toString())).toEqual(['hello', 'world, longer payload', '']);
  });

  it('rejects a declared size beyond the limit before buffering its payload', () => {
    const r = new FrameReader(100);
    const head = Buffer.alloc(4);
    head.writeInt32BE(101, 0);
    expect(() => r.push(head)).toThrow(FrameTooLargeError);
  });

  it('rejects a negative size', () => {
    const r = new FrameReader(100);
    expect(() => r.push(Buffer.from([0xff, 0xff, 0xff, 0xf0]))).toThrow(FrameTooLargeError);
  });
});
