/**
 * The five Kafka codecs behind one interface. gzip uses node:zlib; snappy the `snappy` binding with
 * Kafka's xerial framing (see snappy.ts); lz4 the LZ4 frame format (Kafka's KafkaLZ4BlockOutputStream
 * writes standard frames: independent blocks, no checksums) via lz4-napi; zstd via @mongodb-js/zstd,
 * which is asynchronous only. The native bindings are loaded on a codec's first use: a broker whose
 * clients never compress never loads them (they cost start-up time and resident memory).
 */
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import type * as Lz4 from 'lz4-napi';
import type * as Zstd from '@mongodb-js/zstd';
import { CompressionType } from '../records/types';
import { CorruptCompressedDataError, SyncCompressionUnavailableError, UnknownCompressionCodecError } from './errors';
import { snappyCompress, snappyCompressSync, snappyDecompress, snappyDecompressSync } from './snappy';

let lz4Module: typeof Lz4 | undefined;
let zstdModule: typeof Zstd | undefined;

function lz4(): typeof Lz4 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (lz4Module ??= require('lz4-napi') as typeof Lz4);
}

function zstd(): typeof Zstd {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (zstdModule ??= require('@mongodb-js/zstd') as typeof Zstd);
}

const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);

export interface CompressOptions {
  /** gzip 1-9 (default 6, as Kafka's), zstd 1-22 (default 3, as Kafka's). lz4 and snappy have no level. */
  level?: number;
}

export const GZIP_DEFAULT_LEVEL = 6;
export const ZSTD_DEFAULT_LEVEL = 3;

const NAMES: Record<CompressionType, string> = {
  [CompressionType.None]: 'none',
  [CompressionType.Gzip]: 'gzip',
  [CompressionType.Snappy]: 'snappy',
  [CompressionType.Lz4]: 'lz4',
  [CompressionType.Zstd]: 'zstd',
};

/** Throws UnknownCompressionCodecError for ids outside 0-4. */
export function codecName(type: number): string {
  const name = (NAMES as Record<number, string | undefined>)[type];
  if (name === undefined) throw new UnknownCompressionCodecError(type);
  return name;
}

/** Whether compressSync/decompressSync support the codec (every codec but zstd). */
export function hasSyncCodec(type: CompressionType): boolean {
  codecName(type);
  return type !== CompressionType.Zstd;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
}

async function guard<T>(codec: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw new CorruptCompressedDataError(codec, err);
  }
}

function guardSync<T>(codec: string, op: () => T): T {
  try {
    return op();
  } catch (err) {
    throw new CorruptCompressedDataError(codec, err);
  }
}

export async function compress(type: CompressionType, data: Uint8Array, options: CompressOptions = {}): Promise<Buffer> {
  const buf = asBuffer(data);
  switch (type) {
    case CompressionType.None:
      return buf;
    case CompressionType.Gzip:
      return gzipAsync(buf, { level: options.level ?? GZIP_DEFAULT_LEVEL });
    case CompressionType.Snappy:
      return snappyCompress(buf);
    case CompressionType.Lz4:
      return lz4().compressFrame(buf);
    case CompressionType.Zstd:
      return zstd().compress(buf, options.level ?? ZSTD_DEFAULT_LEVEL);
    default:
      throw new UnknownCompressionCodecError(type as number);
  }
}

export async function decompress(type: CompressionType, data: Uint8Array): Promise<Buffer> {
  const buf = asBuffer(data);
  switch (type) {
    case CompressionType.None:
      return buf;
    case CompressionType.Gzip:
      return guard('gzip', () => gunzipAsync(buf));
    case CompressionType.Snappy:
      return guard('snappy', () => snappyDecompress(buf));
    case CompressionType.Lz4:
      return guard('lz4', () => lz4().decompressFrame(buf));
    case CompressionType.Zstd:
      return guard('zstd', () => zstd().decompress(buf));
    default:
      throw new UnknownCompressionCodecError(type as number);
  }
}

/** Synchronous compression; throws SyncCompressionUnavailableError for zstd. */
export function compressSync(type: CompressionType, data: Uint8Array, options: CompressOptions = {}): Buffer {
  const buf = asBuffer(data);
  switch (type) {
    case CompressionType.None:
      return buf;
    case CompressionType.Gzip:
      return zlib.gzipSync(buf, { level: options.level ?? GZIP_DEFAULT_LEVEL });
    case CompressionType.Snappy:
      return snappyCompressSync(buf);
    case CompressionType.Lz4:
      return lz4().compressFrameSync(buf);
    case CompressionType.Zstd:
      throw new SyncCompressionUnavailableError('zstd');
    default:
      throw new UnknownCompressionCodecError(type as number);
  }
}

/** Synchronous decompression; throws SyncCompressionUnavailableError for zstd. */
export function decompressSync(type: CompressionType, data: Uint8Array): Buffer {
  const buf = asBuffer(data);
  switch (type) {
    case CompressionType.None:
      return buf;
    case CompressionType.Gzip:
      return guardSync('gzip', () => zlib.gunzipSync(buf));
    case CompressionType.Snappy:
      return guardSync('snappy', () => snappyDecompressSync(buf));
    case CompressionType.Lz4:
      return guardSync('lz4', () => lz4().decompressFrameSync(buf));
    case CompressionType.Zstd:
      throw new SyncCompressionUnavailableError('zstd');
    default:
      throw new UnknownCompressionCodecError(type as number);
  }
}
