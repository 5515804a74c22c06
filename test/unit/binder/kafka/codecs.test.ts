import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { registerCompressionCodecs } from '../../../../src/binder/kafka/codecs';
import { CompressionType, compress, decompress } from '../../../../src/protocol/compression';

describe('kafka binder compression codecs', () => {
  beforeAll(() => registerCompressionCodecs());

  const payload = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item-${i}` }))));
  const codecs: [string, CompressionTypes, CompressionType][] = [
    ['gzip', CompressionTypes.GZIP, CompressionType.Gzip],
    ['snappy', CompressionTypes.Snappy, CompressionType.Snappy],
    ['lz4', CompressionTypes.LZ4, CompressionType.Lz4],
    ['zstd', CompressionTypes.ZSTD, CompressionType.Zstd],
  ];

  it.each(codecs)('%s: kafkajs compresses with bindery\'s codec and reads bindery\'s output', async (_name, kafkajsType, type) => {
    const table = CompressionCodecs as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }>;
    const codec = table[kafkajsType]();
    const compressed: Buffer = await codec.compress({ buffer: payload });
    expect(compressed.length).toBeLessThan(payload.length);
    expect(await decompress(type, compressed)).toEqual(payload);
    expect(await codec.decompress(await compress(type, payload))).toEqual(payload);
  });

  it('uses the codec ids of the Kafka attributes byte', () => {
    expect(codecs.map(([, kafkajsType]) => kafkajsType)).toEqual(codecs.map(([, , type]) => type));
  });
});
