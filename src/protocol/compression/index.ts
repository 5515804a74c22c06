export {
  compress,
  decompress,
  compressSync,
  decompressSync,
  codecName,
  hasSyncCodec,
  GZIP_DEFAULT_LEVEL,
  ZSTD_DEFAULT_LEVEL,
  type CompressOptions,
} from './codecs';
export { isXerialFramed } from './snappy';
export { UnknownCompressionCodecError, SyncCompressionUnavailableError, CorruptCompressedDataError } from './errors';
export { CompressionType } from '../records/types';
