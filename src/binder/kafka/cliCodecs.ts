import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compress, decompress, CompressionType } from '../../protocol/compression';

/**
 * kafkajs ships only gzip; this registers snappy, lz4 and zstd from bindery's own codecs so the
 * command line (and tests) can produce and consume every Kafka compression type.
 */
export function registerKafkajsCodecs(): void {
  const pairs: [CompressionTypes, CompressionType][] = [
    [CompressionTypes.Snappy, CompressionType.Snappy],
    [CompressionTypes.LZ4, CompressionType.Lz4],
    [CompressionTypes.ZSTD, CompressionType.Zstd],
  ];
  for (const [kafkajsType, type] of pairs) {
    (CompressionCodecs as Record<number, unknown>)[kafkajsType] = () => ({
      compress: (encoder: { buffer: Buffer }) => compress(type, encoder.buffer),
      decompress: (buffer: Buffer) => decompress(type, buffer),
    });
  }
}
