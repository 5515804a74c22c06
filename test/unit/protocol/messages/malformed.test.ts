/**
 * Untrusted bytes: truncated, mutated or forged-length input either decodes or throws
 * ProtocolDecodeError; never another error, never a hang, never an allocation from a forged length.
 */
import {
  ApiKey,
  ByteWriter,
  ProtocolDecodeError,
  apiMessageSchemas,
  concatChunks,
  decodeMessage,
  decodeRequest,
  decodeRequestHeader,
  encodeRequest,
  encodeResponseBody,
  type MessageKind,
} from '../../../../src/protocol';
import { SampleBuilder, makeRandom } from './sampleData';

function decodeOrDecodeError(kind: MessageKind, apiKey: number, version: number, bytes: Buffer): void {
  try {
    decodeMessage(kind, apiKey, version, bytes);
  } catch (err) {
    if (!(err instanceof ProtocolDecodeError)) throw err;
  }
}

const apis = [...apiMessageSchemas.values()];

function sampleBytes(kind: MessageKind, apiKey: number, version: number, seed: number): Buffer {
  const api = apiMessageSchemas.get(apiKey);
  if (!api) throw new Error(`no api ${apiKey}`);
  const data = new SampleBuilder(api[kind], version, makeRandom(seed)).struct(api[kind].fields);
  return kind === 'request'
    ? encodeRequest(apiKey as ApiKey, version, data as never)
    : concatChunks(encodeResponseBody(apiKey as ApiKey, version, data as never));
}

describe('malformed input', () => {
  it('throws ProtocolDecodeError for truncations of every api (oldest and newest version)', () => {
    let checked = 0;
    for (const api of apis) {
      for (const version of new Set([api.versions.min, api.versions.max])) {
        for (const kind of ['request', 'response'] as const) {
          const bytes = sampleBytes(kind, api.apiKey, version, api.apiKey + version);
          const step = Math.max(1, Math.floor(bytes.length / 64)); // every cut for small messages, 64 for large
          for (let n = 0; n < bytes.length; n += step) {
            expect(() => decodeMessage(kind, api.apiKey, version, bytes.subarray(0, n))).toThrow(ProtocolDecodeError);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('survives 10,000 randomly mutated messages', () => {
    const rnd = makeRandom(20261126);
    for (let i = 0; i < 10_000; i++) {
      const api = apis[Math.floor(rnd() * apis.length)];
      const version = api.versions.min + Math.floor(rnd() * (api.versions.max - api.versions.min + 1));
      const kind = rnd() < 0.5 ? 'request' : 'response';
      const bytes = Buffer.from(sampleBytes(kind, api.apiKey, version, i));
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips && bytes.length > 0; f++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      decodeOrDecodeError(kind, api.apiKey, version, bytes);
    }
  });

  it('rejects forged array, string and bytes lengths without allocating for them', () => {
    const classicArray = new ByteWriter().int16(-1).int16(1).int32(1000).int32(0x7fffffff).toBuffer();
    expect(() => decodeRequest(ApiKey.Produce, 3, classicArray)).toThrow(/cannot fit/);
    const compactArray = new ByteWriter().uvarint(0).int16(1).int32(1000).uvarint(0xfffffff0).toBuffer();
    expect(() => decodeRequest(ApiKey.Produce, 9, compactArray)).toThrow(ProtocolDecodeError);
    const longString = new ByteWriter().int16(0x7fff).toBuffer();
    expect(() => decodeRequest(ApiKey.Produce, 3, longString)).toThrow(ProtocolDecodeError);
    const recordsLength = new ByteWriter().int16(-1).int16(1).int32(1000).int32(1).string('t').int32(1).int32(0).int32(0x7ffffff0).toBuffer();
    expect(() => decodeRequest(ApiKey.Produce, 3, recordsLength)).toThrow(ProtocolDecodeError);
    const endlessVarint = Buffer.alloc(32, 0xff);
    expect(() => decodeRequest(ApiKey.Produce, 9, endlessVarint)).toThrow(ProtocolDecodeError);
    expect(() => decodeRequest(ApiKey.Produce, 9, endlessVarint.subarray(0, 3))).toThrow(ProtocolDecodeError);
  });

  it('rejects headers from random bytes only with ProtocolDecodeError', () => {
    const rnd = makeRandom(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 24) }, () => Math.floor(rnd() * 256)));
      try {
        decodeRequestHeader(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolDecodeError);
      }
    }
  });
});
