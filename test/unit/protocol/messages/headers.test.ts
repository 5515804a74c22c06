/**
 * Request header v0/v1/v2 and response header v0/v1, chosen per api key and version, and whole frames.
 */
import {
  ApiKey,
  ByteWriter,
  ProtocolDecodeError,
  concatChunks,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  decodeResponseHeader,
  encodeRequestFrame,
  encodeResponse,
  responseHeaderVersion,
} from '../../../../src/protocol';

describe('request headers', () => {
  it('reads header v1 (classic versions): key, version, correlation id, client id', () => {
    const buf = new ByteWriter().int16(0).int16(3).int32(77).string('app').int16(1).toBuffer();
    expect(decodeRequestHeader(buf)).toEqual({ apiKey: 0, apiVersion: 3, correlationId: 77, clientId: 'app', headerVersion: 1, headerSize: 13 });
  });

  it('reads header v2 (flexible versions): a classic nullable client id then tagged fields', () => {
    const buf = new ByteWriter().int16(3).int16(9).int32(-5).int16(-1).uvarint(1).uvarint(0).uvarint(1).uint8(9).toBuffer();
    expect(decodeRequestHeader(buf)).toEqual({ apiKey: 3, apiVersion: 9, correlationId: -5, clientId: null, headerVersion: 2, headerSize: 14 });
  });

  it('reads header v0 for ControlledShutdown v0 (no client id)', () => {
    const buf = new ByteWriter().int16(7).int16(0).int32(1).toBuffer();
    expect(decodeRequestHeader(buf)).toMatchObject({ headerVersion: 0, clientId: null, headerSize: 8 });
  });

  it('parses ApiVersions requests newer than the schemas so the broker can answer them', () => {
    const buf = new ByteWriter().int16(18).int16(9).int32(4).string('c').uvarint(0).toBuffer();
    expect(decodeRequestHeader(buf)).toMatchObject({ apiKey: 18, apiVersion: 9, correlationId: 4, clientId: 'c', headerVersion: 2, headerSize: 12 });
  });

  it('honours an offset and throws ProtocolDecodeError on a truncated header', () => {
    const buf = new ByteWriter().int32(0x7fffffff).int16(1).int16(4).int32(2).string('x').toBuffer();
    expect(decodeRequestHeader(buf, 4)).toMatchObject({ apiKey: 1, apiVersion: 4, correlationId: 2, clientId: 'x', headerSize: 11 });
    for (let n = 0; n < buf.length - 4; n++) expect(() => decodeRequestHeader(buf.subarray(4, 4 + n))).toThrow(ProtocolDecodeError);
  });

  it('builds request frames: size prefix, header, body', () => {
    const frame = encodeRequestFrame({ apiKey: ApiKey.FindCoordinator, apiVersion: 3, correlationId: 12, clientId: 'cli' }, { key: 'g1', keyType: 0 });
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const header = decodeRequestHeader(frame, 4);
    expect(header).toMatchObject({ apiKey: 10, apiVersion: 3, correlationId: 12, clientId: 'cli', headerVersion: 2 });
    expect(decodeRequest(ApiKey.FindCoordinator, 3, frame, 4 + header.headerSize)).toMatchObject({ key: 'g1', keyType: 0 });
  });
});

describe('response headers', () => {
  it('uses v0 for ApiVersions at every version and v1 for other flexible versions', () => {
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
    expect(responseHeaderVersion(ApiKey.Metadata, 9)).toBe(1);
    expect(responseHeaderVersion(ApiKey.Metadata, 8)).toBe(0);
  });

  it('frames responses: size, correlation id, tagged fields only in header v1', () => {
    const apiVersions = concatChunks(encodeResponse(ApiKey.ApiVersions, 3, 41, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 }));
    expect(apiVersions.toString('hex')).toBe(new ByteWriter().int32(12).int32(41).int16(0).uvarint(1).int32(0).uvarint(0).toBuffer().toString('hex'));

    const heartbeat = concatChunks(encodeResponse(ApiKey.Heartbeat, 4, 42, { throttleTimeMs: 0, errorCode: 27 }));
    expect(heartbeat.toString('hex')).toBe(new ByteWriter().int32(12).int32(42).uvarint(0).int32(0).int16(27).uvarint(0).toBuffer().toString('hex'));
    const header = decodeResponseHeader(ApiKey.Heartbeat, 4, heartbeat, 4);
    expect(header).toEqual({ correlationId: 42, headerSize: 5 });
    expect(decodeResponse(ApiKey.Heartbeat, 4, heartbeat, 4 + header.headerSize)).toMatchObject({ errorCode: 27 });
  });
});
