/**
 * Broker-side re-compression (topic compression.type differs from the producer's codec). A v2
 * batch's records section is compressed as one blob, so re-compressing never decodes records:
 * decompress the section, compress it with the topic's codec, and rewrite the codec bits, the
 * batch length and the CRC. Every other header field (producer id, sequence, timestamps) stays.
 */
import { compress, decompress } from '../../protocol/compression';
import { crc32c } from '../../protocol/crc32c';
import { ATTR, BATCH, BatchHeaderView } from '../../protocol/records/batchHeader';
import { CompressionType } from '../../protocol/records/types';
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError } from '../BrokerRequestError';

async function recompressOne(batch: Buffer, codec: CompressionType, level: number | undefined): Promise<Buffer> {
  const view = new BatchHeaderView(batch);
  const from = view.compression as CompressionType;
  if (from === codec) return batch;
  const section = batch.subarray(BATCH.HEADER_SIZE);
  let plain: Buffer;
  try {
    plain = from === CompressionType.None ? section : await decompress(from, section);
  } catch (err) {
    throw new BrokerRequestError(ErrorCode.CORRUPT_MESSAGE, `cannot decompress a ${CompressionType[from] ?? from} batch: ${(err as Error).message}`);
  }
  const body = codec === CompressionType.None ? plain : await compress(codec, plain, { level });
  const out = Buffer.allocUnsafe(BATCH.HEADER_SIZE + body.length);
  batch.copy(out, 0, 0, BATCH.HEADER_SIZE);
  body.copy(out, BATCH.HEADER_SIZE);
  out.writeInt32BE(out.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  out.writeInt16BE((view.attributes & ~ATTR.COMPRESSION_MASK) | codec, BATCH.ATTRIBUTES);
  out.writeUInt32BE(crc32c(out.subarray(BATCH.CRC_START)), BATCH.CRC);
  return out;
}

/**
 * Re-encodes every batch of a record set with `codec` at `level` (the topic's compression.gzip.level /
 * compression.zstd.level; undefined = the codec's default); the caller has checked structure.
 */
export async function recompressBatches(records: Buffer, codec: CompressionType, level?: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let at = 0; at < records.length; ) {
    const size = new BatchHeaderView(records, at).sizeInBytes;
    const batch = records.subarray(at, at + size);
    const problemCrc = crc32c(batch.subarray(BATCH.CRC_START)) !== batch.readUInt32BE(BATCH.CRC);
    if (problemCrc) throw new BrokerRequestError(ErrorCode.CORRUPT_MESSAGE, `batch at byte ${at} fails its CRC-32C check`);
    parts.push(await recompressOne(batch, codec, level));
    at += size;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
