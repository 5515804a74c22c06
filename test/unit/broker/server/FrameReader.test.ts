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

  it('copies a frame into the buffer the chooser picks for its API key, whole or split across chunks', () => {
    const produce = Buffer.from([0, 0, 1, 2, 3, 4, 5]); // API key 0
    const other = Buffer.from([0, 3, 9, 9]); // API key 3
    const wire = Buffer.concat([frame(produce), frame(other), frame(produce)]);
    const asked: Array<[number, number]> = [];
    const targets: Buffer[] = [];
    const choose = (size: number, apiKey: number): Buffer | null => {
      asked.push([size, apiKey]);
      if (apiKey !== 0) return null;
      const t = Buffer.alloc(size);
      targets.push(t);
      return t;
    };
    for (const split of [wire.length, 3, 1]) {
      asked.length = 0;
      targets.length = 0;
      const r = new FrameReader(1024, choose);
      const got: Buffer[] = [];
      for (let at = 0; at < wire.length; at += split) got.push(...r.push(wire.subarray(at, at + split)));
      expect(got).toEqual([produce, other, produce]);
      expect(asked).toEqual([[7, 0], [4, 3], [7, 0]]);
      expect(got[0]).toBe(targets[0]);
      expect(got[2]).toBe(targets[1]);
      expect(r.pendingBytes).toBe(0);
    }
  });

  it('asks whether each frame may be received (again after a refusal) and holds its bytes while the answer is no', () => {
    const frame = (n: number) => Buffer.concat([Buffer.from([0, 0, 0, n]), Buffer.alloc(n, n)]);
    let room = false;
    const asked: number[] = [];
    const r = new FrameReader(1024, undefined, (size) => (asked.push(size), room));
    expect(r.push(Buffer.concat([frame(5), frame(6)]))).toEqual([]);
    expect(r.blocked).toBe(true);
    expect(r.admittedPartialBytes).toBe(0);
    room = true;
    expect(r.push(Buffer.alloc(0))).toEqual([Buffer.alloc(5, 5), Buffer.alloc(6, 6)]);
    expect(r.blocked).toBe(false);
    expect(asked).toEqual([5, 5, 6]);
    expect(r.push(frame(9).subarray(0, 6))).toEqual([]);
    expect(r.admittedPartialBytes).toBe(9);
    expect(r.midFrame).toBe(true);
  });

  it('names the limit in force when a frame exceeds it, and applies a raised limit to the next frame', () => {
    const r = new FrameReader({ bytes: 8, setting: 'sasl.server.max.receive.size' });
    expect(() => r.push(Buffer.from([0, 0, 0, 9]))).toThrow(/exceeds sasl\.server\.max\.receive\.size=8/);
    const raised = new FrameReader({ bytes: 8, setting: 'sasl.server.max.receive.size' });
    raised.limit = { bytes: 64, setting: 'socket.request.max.bytes' };
    expect(raised.push(Buffer.concat([Buffer.from([0, 0, 0, 9]), Buffer.alloc(9)]))).toHaveLength(1);
  });
});
