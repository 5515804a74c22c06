/**
 * Registers bindery's codecs with kafkajs, which ships gzip only: snappy (xerial framing, as the
 * Java client writes it), lz4 (frame format) and zstd come from protocol/compression, so batches
 * the kafka binder writes decode with Apache Kafka's clients and the native broker alike.
 * kafkajs keeps its codecs in a process-wide table; registration is idempotent.
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compress, decompress, CompressionType } from '../../protocol/compression';

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function codec(type: CompressionType): () => KafkajsCodec {
  const instance: KafkajsCodec = {
    compress: (encoder) => compress(type, encoder.buffer),
    decompress: (buffer) => decompress(type, buffer),
  };
  return () => instance;
}

let registered = false;

export function registerCompressionCodecs(): void {
  if (registered) return;
  CompressionCodecs[CompressionTypes.GZIP] = codec(CompressionType.Gzip);
  CompressionCodecs[CompressionTypes.Snappy] = codec(CompressionType.Snappy);
  CompressionCodecs[CompressionTypes.LZ4] = codec(CompressionType.Lz4);
  CompressionCodecs[CompressionTypes.ZSTD] = codec(CompressionType.Zstd);
  registered = true;
}

/** bindery's codec ids equal Kafka's attribute bits, which are kafkajs' CompressionTypes values. */
export function toKafkajsCompression(type: CompressionType | undefined): CompressionTypes {
  return (type ?? CompressionType.None) as number as CompressionTypes;
}
