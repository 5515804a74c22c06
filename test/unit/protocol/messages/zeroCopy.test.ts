/**
 * Record sets travel by reference: Fetch responses append stored buffers as their own chunks, and
 * Produce requests decode their records as views into the frame.
 */
import {
  APPEND_BY_REFERENCE_MIN,
  ApiKey,
  concatChunks,
  decodeRequest,
  decodeResponse,
  decodeResponseHeader,
  encodeRequest,
  encodeResponse,
  type EncodeInput,
  type FetchResponseData,
} from '../../../../src/protocol';
import type { RecordSet } from '../../../../src/protocol/messages/schemaTypes';

/** INT64 fields given as numbers, as a broker holding offsets as numbers would. */
function fetchResponse(records: (RecordSet | null)[]): EncodeInput<FetchResponseData> {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'events',
        partitions: records.map((r, i) => ({
          partitionIndex: i,
          errorCode: 0,
          highWatermark: 100,
          lastStableOffset: 100,
          logStartOffset: 0,
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: r,
        })),
      },
    ],
  };
}

describe('record sets by reference', () => {
  it.each([11, 12])('Fetch v%i responses carry large record buffers as the same Buffer objects', (version) => {
    const a = Buffer.alloc(64 * 1024, 1);
    const b = Buffer.alloc(APPEND_BY_REFERENCE_MIN, 2);
    const small = Buffer.from([9, 9, 9]);
    const encoded = encodeResponse(ApiKey.Fetch, version, 7, fetchResponse([a, small, null, b]));
    expect(encoded.chunks).toContain(a);
    expect(encoded.chunks).toContain(b);
    expect(encoded.chunks).not.toContain(small);
    expect(encoded.size).toBe(encoded.chunks.reduce((n, c) => n + c.length, 0));

    const frame = concatChunks(encoded);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const header = decodeResponseHeader(ApiKey.Fetch, version, frame, 4);
    expect(header.correlationId).toBe(7);
    const decoded = decodeResponse(ApiKey.Fetch, version, frame, 4 + header.headerSize);
    expect(decoded.responses[0].partitions.map((p) => p.records)).toEqual([a, small, null, b]);
    expect(decoded.responses[0].partitions[0].highWatermark).toBe(100n);
  });

  it.each([11, 12])('Fetch v%i responses send records given in pieces after one length, each large piece by reference', (version) => {
    const first = Buffer.alloc(96 * 1024, 3);
    const second = Buffer.alloc(40 * 1024, 4);
    const tail = Buffer.from([5, 6, 7]);
    const encoded = encodeResponse(ApiKey.Fetch, version, 8, fetchResponse([[first, second, tail], []]));
    expect(encoded.chunks).toContain(first);
    expect(encoded.chunks).toContain(second);
    expect(encoded.chunks.indexOf(first)).toBeLessThan(encoded.chunks.indexOf(second));
    const frame = concatChunks(encoded);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const header = decodeResponseHeader(ApiKey.Fetch, version, frame, 4);
    const decoded = decodeResponse(ApiKey.Fetch, version, frame, 4 + header.headerSize);
    expect(decoded.responses[0].partitions.map((p) => p.records)).toEqual([Buffer.concat([first, second, tail]), Buffer.alloc(0)]);
  });

  it('refuses record pieces that are not Buffers, naming the field', () => {
    const bad = fetchResponse([[Buffer.alloc(4), 'text' as unknown as Buffer]]);
    expect(() => encodeResponse(ApiKey.Fetch, 12, 9, bad)).toThrow(/records\[\] must be a Buffer, got string/);
  });

  it('decodes Produce records as a view into the frame', () => {
    const records = Buffer.alloc(2048, 5);
    const frame = Buffer.concat([
      Buffer.from([0xde, 0xad]),
      encodeRequest(ApiKey.Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 1000,
        topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
      }),
    ]);
    const decoded = decodeRequest(ApiKey.Produce, 9, frame, 2);
    const view = decoded.topicData[0].partitionData[0].records;
    if (!Buffer.isBuffer(view)) throw new Error('a decoder gives records as one Buffer');
    expect(view?.equals(records)).toBe(true);
    expect(view?.buffer).toBe(frame.buffer);
    const at = (view?.byteOffset ?? 0) - frame.byteOffset;
    expect(at).toBeGreaterThan(2);
    frame[at] = 0x77; // writing the frame shows through the view: no copy was made
    expect(view?.[0]).toBe(0x77);
  });
});
