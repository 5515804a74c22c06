/**
 * Every request and response of every api, at every version the schemas define, encodes random
 * data, decodes it back to the same values, and re-encodes to the same bytes.
 */
import {
  apiMessageSchemas,
  concatChunks,
  decodeMessage,
  encodeRequest,
  encodeResponseBody,
  type ApiKey,
  type MessageKind,
} from '../../../../src/protocol';
import { SampleBuilder, makeRandom } from './sampleData';

function encode(kind: MessageKind, apiKey: number, version: number, data: object): Buffer {
  return kind === 'request'
    ? encodeRequest(apiKey as ApiKey, version, data as never)
    : concatChunks(encodeResponseBody(apiKey as ApiKey, version, data as never));
}

const apis = [...apiMessageSchemas.values()].map((api) => [api.name, api] as const);

describe('every api at every version', () => {
  it('covers all apis the schemas define', () => {
    expect(apis.length).toBeGreaterThanOrEqual(80);
  });

  it.each(apis)('%s requests and responses round-trip', (_name, api) => {
    for (let version = api.versions.min; version <= api.versions.max; version++) {
      for (const kind of ['request', 'response'] as const) {
        for (let round = 0; round < 4; round++) {
          const rnd = makeRandom(api.apiKey * 1000 + version * 10 + round);
          const sample = new SampleBuilder(api[kind], version, rnd).struct(api[kind].fields);
          const bytes = encode(kind, api.apiKey, version, sample);
          const { data, bytesRead } = decodeMessage(kind, api.apiKey, version, bytes);
          expect(bytesRead).toBe(bytes.length);
          expect(data).toMatchObject(sample);
          expect(encode(kind, api.apiKey, version, data).equals(bytes)).toBe(true);
        }
      }
    }
  });
});
