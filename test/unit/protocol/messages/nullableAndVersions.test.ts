/**
 * Nullable classic and compact types, nullable structs, and fields that exist only in some versions.
 */
import {
  ApiKey,
  ByteWriter,
  ProtocolDecodeError,
  ProtocolEncodeError,
  UnsupportedApiVersionError,
  apiKeyName,
  apiMessageSchemas,
  concatChunks,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponseBody,
  type ConsumerGroupHeartbeatResponseData,
  type MetadataRequestData,
  type ProduceRequestData,
} from '../../../../src/protocol';

const hex = (b: Buffer | ByteWriter): string => (Buffer.isBuffer(b) ? b : b.toBuffer()).toString('hex');

describe('nullable types', () => {
  const allTopics: MetadataRequestData = { topics: null, allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false };

  it('writes a null array as compact 0 in flexible versions and INT32 -1 in classic ones', () => {
    expect(hex(encodeRequest(ApiKey.Metadata, 9, allTopics))).toBe(hex(new ByteWriter().uvarint(0).bool(true).bool(false).bool(false).uvarint(0)));
    expect(hex(encodeRequest(ApiKey.Metadata, 1, allTopics))).toBe(hex(new ByteWriter().int32(-1)));
    expect(decodeRequest(ApiKey.Metadata, 9, encodeRequest(ApiKey.Metadata, 9, allTopics)).topics).toBeNull();
  });

  it('refuses null where the version does not allow it, on both sides', () => {
    expect(() => encodeRequest(ApiKey.Metadata, 0, allTopics)).toThrow(ProtocolEncodeError);
    expect(() => decodeRequest(ApiKey.Metadata, 0, new ByteWriter().int32(-1).toBuffer())).toThrow(ProtocolDecodeError);
  });

  it('distinguishes null from empty compact strings', () => {
    const req = (transactionalId: string | null): ProduceRequestData => ({ transactionalId, acks: 1, timeoutMs: 1000, topicData: [] });
    const tail = (w: ByteWriter): ByteWriter => w.int16(1).int32(1000).uvarint(1).uvarint(0);
    expect(hex(encodeRequest(ApiKey.Produce, 9, req(null)))).toBe(hex(tail(new ByteWriter().uvarint(0))));
    expect(hex(encodeRequest(ApiKey.Produce, 9, req('')))).toBe(hex(tail(new ByteWriter().uvarint(1))));
    expect(hex(encodeRequest(ApiKey.Produce, 3, req(null)))).toBe(hex(new ByteWriter().int16(-1).int16(1).int32(1000).int32(0)));
    expect(decodeRequest(ApiKey.Produce, 9, encodeRequest(ApiKey.Produce, 9, req(''))).transactionalId).toBe('');
    expect(decodeRequest(ApiKey.Produce, 9, encodeRequest(ApiKey.Produce, 9, req(null))).transactionalId).toBeNull();
  });

  it('marks nullable structs with an INT8 (-1 null, 1 present)', () => {
    const head = (w: ByteWriter): ByteWriter => w.int32(0).int16(0).uvarint(0).uvarint(3).raw(Buffer.from('m1')).int32(5).int32(3000);
    const none: ConsumerGroupHeartbeatResponseData = {
      throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberId: 'm1', memberEpoch: 5, heartbeatIntervalMs: 3000, assignment: null,
    };
    expect(hex(concatChunks(encodeResponseBody(ApiKey.ConsumerGroupHeartbeat, 0, none)))).toBe(hex(head(new ByteWriter()).int8(-1).uvarint(0)));
    const some = { ...none, assignment: { topicPartitions: [] } };
    const bytes = concatChunks(encodeResponseBody(ApiKey.ConsumerGroupHeartbeat, 0, some));
    expect(hex(bytes)).toBe(hex(head(new ByteWriter()).int8(1).uvarint(1).uvarint(0).uvarint(0)));
    expect(decodeResponse(ApiKey.ConsumerGroupHeartbeat, 0, bytes).assignment).toEqual({ topicPartitions: [] });
  });
});

describe('version-specific fields', () => {
  const produce: ProduceRequestData = { transactionalId: 'tx-1', acks: -1, timeoutMs: 30000, topicData: [] };

  it('writes a field only in the versions that have it', () => {
    expect(hex(encodeRequest(ApiKey.Produce, 2, produce))).toBe(hex(new ByteWriter().int16(-1).int32(30000).int32(0)));
    expect(hex(encodeRequest(ApiKey.Produce, 3, produce))).toBe(hex(new ByteWriter().string('tx-1').int16(-1).int32(30000).int32(0)));
  });

  it('gives fields missing from the decoded version their schema default', () => {
    const decoded = decodeRequest(ApiKey.Produce, 2, encodeRequest(ApiKey.Produce, 2, produce));
    expect(decoded.transactionalId).toBeNull();
    const metadata = decodeRequest(ApiKey.Metadata, 3, new ByteWriter().int32(0).toBuffer());
    expect(metadata.allowAutoTopicCreation).toBe(true); // default "true" before v4 carried it
  });

  it('follows fields that were removed in later versions', () => {
    const data: MetadataRequestData = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true };
    expect(hex(encodeRequest(ApiKey.Metadata, 10, data))).toBe(hex(new ByteWriter().uvarint(1).bool(false).bool(true).bool(true).uvarint(0)));
    expect(hex(encodeRequest(ApiKey.Metadata, 11, data))).toBe(hex(new ByteWriter().uvarint(1).bool(false).bool(true).uvarint(0)));
  });

  it('takes INT64 values as bigint (full range) or safe-integer number, and decodes them as bigint', () => {
    const offsetCommit = (offset: bigint | number): Buffer =>
      encodeRequest(ApiKey.ListOffsets, 1, { replicaId: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: offset }] }] });
    const expected = new ByteWriter().int32(-1).int32(1).string('t').int32(1).int32(0).int64(-2n).toBuffer();
    expect(hex(offsetCommit(-2))).toBe(hex(expected));
    expect(hex(offsetCommit(-2n))).toBe(hex(expected));
    const max = 0x7fffffffffffffffn;
    const decoded = decodeRequest(ApiKey.ListOffsets, 1, offsetCommit(max));
    expect(decoded.topics[0].partitions[0].timestamp).toBe(max);
    expect(() => offsetCommit(2 ** 60)).toThrow(ProtocolEncodeError);
    const edges = [0n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 0x1234567890abcdefn];
    for (const v of edges) {
      const bytes = new ByteWriter().int32(-1).int32(1).string('t').int32(1).int32(0).int64(v).toBuffer();
      expect(hex(offsetCommit(v))).toBe(hex(bytes));
      expect(decodeRequest(ApiKey.ListOffsets, 1, bytes).topics[0].partitions[0].timestamp).toBe(v);
    }
  });

  it('reports data that does not fit its field as ProtocolEncodeError', () => {
    expect(() => encodeRequest(ApiKey.Produce, 3, { ...produce, acks: 70000 })).toThrow(ProtocolEncodeError);
    expect(() => encodeRequest(ApiKey.Produce, 3, { ...produce, timeoutMs: '1' as unknown as number })).toThrow(/timeoutMs must be a number/);
    const metadata: MetadataRequestData = { topics: [{ topicId: 'not-a-uuid', name: 't' }] };
    expect(() => encodeRequest(ApiKey.Metadata, 10, metadata)).toThrow(ProtocolEncodeError);
  });

  it('refuses versions and api keys the schemas do not define', () => {
    expect(() => encodeRequest(ApiKey.Produce, 99, produce)).toThrow(UnsupportedApiVersionError);
    expect(() => decodeRequest(999 as ApiKey, 0, Buffer.alloc(0))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_VERSION' }));
  });
});

describe('api keys and schema versions', () => {
  it('names api keys and lists their version ranges', () => {
    expect(ApiKey.Fetch).toBe(1);
    expect(apiKeyName(18)).toBe('ApiVersions');
    expect(apiKeyName(-5)).toBeUndefined();
    const produce = apiMessageSchemas.get(ApiKey.Produce);
    // v12 repeats v11's layout (KIP-890): the codec serves it with v11's schema.
    expect(produce?.versions).toEqual({ min: 0, max: 12 });
    expect(produce?.flexibleVersions?.min).toBe(9);
  });
});
