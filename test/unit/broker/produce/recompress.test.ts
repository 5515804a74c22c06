import { recompressBatches } from '../../../../src/broker/produce/recompress';
import { encodeRecordBatchSync } from '../../../../src/protocol/records/encodeBatch';
import { decodeRecordBatches } from '../../../../src/protocol/records/decodeBatch';
import { CompressionType } from '../../../../src/protocol/records/types';
import { BrokerRequestError } from '../../../../src/broker/BrokerRequestError';
import { ErrorCode } from '../../../../src/protocol/errorCodes';

function batch(compression: CompressionType, seq: number): Buffer {
  return encodeRecordBatchSync({
    records: [
      { key: Buffer.from('a'), value: Buffer.from('first'), timestamp: 1000, headers: [{ key: 'h', value: Buffer.from('v') }] },
      { key: null, value: Buffer.from('second'.repeat(50)), timestamp: 1005 },
    ],
    compression,
    producerId: 77,
    producerEpoch: 3,
    baseSequence: seq,
  });
}

describe('recompressBatches', () => {
  it.each([
    [CompressionType.None, CompressionType.Gzip],
    [CompressionType.Gzip, CompressionType.Lz4],
    [CompressionType.Snappy, CompressionType.None],
    [CompressionType.Lz4, CompressionType.Zstd],
  ])('re-encodes codec %s as %s with the same records and header fields', async (from, to) => {
    const input = Buffer.concat([batch(from, 0), batch(from, 2)]);
    const before = await decodeRecordBatches(Buffer.from(input));
    const after = await decodeRecordBatches(await recompressBatches(input, to));
    expect(after.map((b) => b.compression)).toEqual([to, to]);
    expect(after.map(({ compression: _c, ...rest }) => rest)).toEqual(before.map(({ compression: _c, ...rest }) => rest));
  });

  it('refuses a batch whose CRC does not match', async () => {
    const bad = batch(CompressionType.None, 0);
    bad[bad.length - 1] ^= 1;
    await expect(recompressBatches(bad, CompressionType.Gzip)).rejects.toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE });
    await expect(recompressBatches(bad, CompressionType.Gzip)).rejects.toBeInstanceOf(BrokerRequestError);
  });
});
