/**
 * Snappy as Kafka stores it. The Java client writes through snappy-java's SnappyOutputStream,
 * the "xerial" framing; librdkafka and Kafka itself read both that and a bare snappy block.
 *
 *   XerialSnappy => Header Block*
 *     Header  => magic: 8 bytes 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 *                version: int32 (1)  compatibleVersion: int32 (1)
 *     Block   => compressedLength: int32  rawSnappy: bytes[compressedLength]
 *   (each block holds at most 32 KiB of input, snappy-java's default block size)
 */
import type * as Snappy from 'snappy';

let snappyModule: typeof Snappy | undefined;

/** The native binding, loaded on first use (see codecs.ts). */
function snappy(): typeof Snappy {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (snappyModule ??= require('snappy') as typeof Snappy);
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
const BLOCK_SIZE = 32 * 1024;

export function isXerialFramed(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

function header(): Buffer {
  const h = Buffer.allocUnsafe(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(h, 0);
  h.writeInt32BE(XERIAL_VERSION, 8);
  h.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  return h;
}

function frame(blocks: Buffer[]): Buffer {
  let size = XERIAL_HEADER_SIZE;
  for (const b of blocks) size += 4 + b.length;
  const out = Buffer.allocUnsafe(size);
  header().copy(out, 0);
  let at = XERIAL_HEADER_SIZE;
  for (const b of blocks) {
    out.writeInt32BE(b.length, at);
    b.copy(out, at + 4);
    at += 4 + b.length;
  }
  return out;
}

function inputBlocks(data: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += BLOCK_SIZE) blocks.push(data.subarray(at, at + BLOCK_SIZE));
  return blocks;
}

/** The raw snappy blocks of a xerial stream (views, no copies); throws on a truncated or malformed frame. */
function framedBlocks(data: Uint8Array): Uint8Array[] {
  const view = Buffer.from(data.buffer, data.byteOffset, data.length);
  const blocks: Uint8Array[] = [];
  let at = XERIAL_HEADER_SIZE;
  while (at < view.length) {
    if (at + 4 > view.length) throw new Error(`xerial block length truncated at byte ${at}`);
    const len = view.readInt32BE(at);
    if (len < 0 || at + 4 + len > view.length) {
      throw new Error(`xerial block at byte ${at} claims ${len} bytes, only ${view.length - at - 4} remain`);
    }
    blocks.push(view.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return blocks;
}

function concat(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

export function snappyCompressSync(data: Uint8Array): Buffer {
  return frame(inputBlocks(data).map((b) => snappy().compressSync(b)));
}

export async function snappyCompress(data: Uint8Array): Promise<Buffer> {
  // Blocks are compressed on the libuv thread pool, off the event loop.
  return frame(await Promise.all(inputBlocks(data).map((b) => snappy().compress(b))));
}

export function snappyDecompressSync(data: Uint8Array): Buffer {
  if (!isXerialFramed(data)) return snappy().uncompressSync(data, { asBuffer: true }) as Buffer;
  return concat(framedBlocks(data).map((b) => snappy().uncompressSync(b, { asBuffer: true }) as Buffer));
}

export async function snappyDecompress(data: Uint8Array): Promise<Buffer> {
  if (!isXerialFramed(data)) return (await snappy().uncompress(data, { asBuffer: true })) as Buffer;
  const parts = await Promise.all(framedBlocks(data).map((b) => snappy().uncompress(b, { asBuffer: true }) as Promise<Buffer>));
  return concat(parts);
}
