/**
 * Zero-copy Buffer views for decoders that cut many small fields (record keys, values, header
 * values) out of one buffer. `buf.subarray()` is slow per view on Node 20 (argument
 * normalisation and Node's internal Buffer subclass constructor); constructing a plain
 * Uint8Array subclass over the same memory is about three times cheaper (bench/notes/protocol-hot-path.md). The subclass's prototype inherits
 * from Buffer.prototype and names Buffer as its constructor, exactly as Node's own Buffers do,
 * so a view is a Buffer to every caller: `instanceof Buffer`, `Buffer.isBuffer`, every Buffer
 * method, `toJSON`, inspection and equality behave as for `buf.subarray()`.
 */
import { Buffer } from 'node:buffer';

class BufferView extends Uint8Array {}
Object.setPrototypeOf(BufferView.prototype, Buffer.prototype);
Object.defineProperty(BufferView.prototype, 'constructor', { value: Buffer, writable: true, configurable: true });

/**
 * A Buffer over `length` bytes of `memory` from `byteOffset`, sharing it (callers pass a Buffer's
 * `buffer` and `byteOffset`, read once: those getters are not free either). The caller checked the bounds.
 */
export function bufferView(memory: ArrayBufferLike, byteOffset: number, length: number): Buffer {
  // A SharedArrayBuffer is as valid here as an ArrayBuffer; the typings only name the latter.
  return new BufferView(memory as ArrayBuffer, byteOffset, length) as unknown as Buffer;
}
