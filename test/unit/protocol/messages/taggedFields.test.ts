/**
 * Tagged fields (flexible versions): known ones decode into their properties, are written only when
 * not at their default, in tag order; unknown ones survive a decode/encode round trip.
 */
import {
  ApiKey,
  ByteWriter,
  ProtocolDecodeError,
  concatChunks,
  decodeResponse,
  encodeResponseBody,
  type ApiVersionsResponseData,
} from '../../../../src/protocol';

/** ApiVersions response v3 up to (not including) its top-level tagged-field section. */
function apiVersionsV3Prefix(w: ByteWriter, nestedTags: (w: ByteWriter) => void = (x) => x.uvarint(0)): ByteWriter {
  w.int16(0); // errorCode
  w.uvarint(2); // one ApiVersion (compact array: count + 1)
  w.int16(18).int16(0).int16(4);
  nestedTags(w);
  w.int32(0); // throttleTimeMs
  return w;
}

const base: ApiVersionsResponseData = {
  errorCode: 0,
  apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
  throttleTimeMs: 0,
};

describe('tagged fields', () => {
  it('writes set tagged fields in tag order with their sizes', () => {
    const expected = apiVersionsV3Prefix(new ByteWriter());
    expected.uvarint(2); // two tagged fields
    expected.uvarint(1).uvarint(8).int64(7n); // finalizedFeaturesEpoch
    expected.uvarint(3).uvarint(1).bool(true); // zkMigrationReady
    const data: ApiVersionsResponseData = { ...base, zkMigrationReady: true, finalizedFeaturesEpoch: 7n };
    const bytes = concatChunks(encodeResponseBody(ApiKey.ApiVersions, 3, data));
    expect(bytes.toString('hex')).toBe(expected.toBuffer().toString('hex'));
  });

  it('leaves tagged fields at their default off the wire', () => {
    const expected = apiVersionsV3Prefix(new ByteWriter()).uvarint(0);
    const data: ApiVersionsResponseData = { ...base, finalizedFeaturesEpoch: -1n, zkMigrationReady: false, supportedFeatures: [] };
    expect(concatChunks(encodeResponseBody(ApiKey.ApiVersions, 3, data)).toString('hex')).toBe(expected.toBuffer().toString('hex'));
  });

  it('decodes known tagged fields and gives absent ones their defaults', () => {
    const w = apiVersionsV3Prefix(new ByteWriter());
    w.uvarint(1).uvarint(1).uvarint(8).int64(42n);
    const decoded = decodeResponse(ApiKey.ApiVersions, 3, w.toBuffer());
    expect(decoded.finalizedFeaturesEpoch).toBe(42n);
    expect(decoded.zkMigrationReady).toBe(false);
    expect(decoded.supportedFeatures).toEqual([]);
    expect(decoded._unknownTaggedFields).toBeUndefined();
  });

  it('keeps unknown tagged fields, top-level and nested, and writes them back in tag order', () => {
    const w = apiVersionsV3Prefix(new ByteWriter(), (x) => x.uvarint(1).uvarint(5).uvarint(2).uint8(0xab).uint8(0xcd));
    w.uvarint(2);
    w.uvarint(1).uvarint(8).int64(9n); // known
    w.uvarint(40).uvarint(3).uint8(1).uint8(2).uint8(3); // unknown to the schema
    const bytes = Buffer.from(w.toBuffer());
    const decoded = decodeResponse(ApiKey.ApiVersions, 3, bytes);
    expect(decoded._unknownTaggedFields).toEqual([{ tag: 40, data: Buffer.from([1, 2, 3]) }]);
    expect(decoded.apiKeys[0]._unknownTaggedFields).toEqual([{ tag: 5, data: Buffer.from([0xab, 0xcd]) }]);
    expect(concatChunks(encodeResponseBody(ApiKey.ApiVersions, 3, decoded)).equals(bytes)).toBe(true);
  });

  it('has no tagged-field section in classic versions', () => {
    const data: ApiVersionsResponseData = { ...base, zkMigrationReady: true };
    const expected = new ByteWriter().int16(0).int32(1).int16(18).int16(0).int16(4).int32(0);
    expect(concatChunks(encodeResponseBody(ApiKey.ApiVersions, 2, data)).toString('hex')).toBe(expected.toBuffer().toString('hex'));
  });

  it('rejects tags out of order and tagged fields whose size does not match their content', () => {
    const outOfOrder = apiVersionsV3Prefix(new ByteWriter());
    outOfOrder.uvarint(2).uvarint(3).uvarint(1).bool(true).uvarint(1).uvarint(8).int64(1n);
    expect(() => decodeResponse(ApiKey.ApiVersions, 3, outOfOrder.toBuffer())).toThrow(ProtocolDecodeError);

    const badSize = apiVersionsV3Prefix(new ByteWriter());
    badSize.uvarint(1).uvarint(3).uvarint(2).bool(true).uint8(0);
    expect(() => decodeResponse(ApiKey.ApiVersions, 3, badSize.toBuffer())).toThrow(ProtocolDecodeError);
  });
});
