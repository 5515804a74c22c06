/**
 * Cross-check of flexible responses against an independent implementation: bodies encoded by
 * bindery are parsed by @platformatic/kafka's decoders (ESM, so in a child node process) and must
 * yield the values bindery was given.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ApiKey, concatChunks, encodeResponseBody } from '../../../../src/protocol';

const topicId = '6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b';

/** [name, platformatic module, api key, version, response data]. */
const cases: [string, string, ApiKey, number, Record<string, unknown>][] = [
  ['ApiVersions v4', 'metadata/api-versions-v4', ApiKey.ApiVersions, 4, {
    errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0,
  }],
  ['Metadata v12', 'metadata/metadata-v12', ApiKey.Metadata, 12, {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'bindery-cluster',
    controllerId: 1,
    topics: [{
      errorCode: 0, name: 'orders', topicId, isInternal: false, topicAuthorizedOperations: -2147483648,
      partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
    }],
  }],
  ['FindCoordinator v6', 'metadata/find-coordinator-v6', ApiKey.FindCoordinator, 6, {
    throttleTimeMs: 0, coordinators: [{ key: 'g1', nodeId: 1, host: 'localhost', port: 9092, errorCode: 0, errorMessage: null }],
  }],
  ['Produce v11', 'producer/produce-v11', ApiKey.Produce, 11, {
    responses: [{ name: 'orders', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 1234567890123n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] }],
    throttleTimeMs: 0,
  }],
  ['ListOffsets v8', 'consumer/list-offsets-v8', ApiKey.ListOffsets, 8, {
    throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 99n, leaderEpoch: 0 }] }],
  }],
  ['JoinGroup v9', 'consumer/join-group-v9', ApiKey.JoinGroup, 9, {
    throttleTimeMs: 0, errorCode: 0, generationId: 2, protocolType: 'consumer', protocolName: 'range', leader: 'm1', skipAssignment: false, memberId: 'm1',
    members: [{ memberId: 'm1', groupInstanceId: null, metadata: Buffer.from([0, 3, 1]) }],
  }],
  ['Fetch v17', 'consumer/fetch-v17', ApiKey.Fetch, 17, {
    throttleTimeMs: 0, errorCode: 0, sessionId: 9,
    responses: [{ topicId, partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: null }] }],
  }],
];

/** bigint → decimal string, Buffer → hex: how the child reports values. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

describe('responses parsed by @platformatic/kafka', () => {
  let parsed: Record<string, unknown> = {};
  beforeAll(() => {
    const input = cases.map(([name, module, apiKey, version, data]) => ({
      name, module, apiKey, version, hex: concatChunks(encodeResponseBody(apiKey, version, data as never)).toString('hex'),
    }));
    const script = path.join(__dirname, 'platformaticResponses.mjs');
    parsed = JSON.parse(execFileSync(process.execPath, [script], { input: JSON.stringify(input), timeout: 60_000, encoding: 'utf8' })) as Record<string, unknown>;
  });

  it.each(cases)('%s parses to the values bindery encoded', (name, _module, _apiKey, _version, data) => {
    const expected = plain(data) as Record<string, unknown>;
    // records: null is how bindery says "no records"; the parser leaves the property out then.
    expect(parsed[name]).toMatchObject(JSON.parse(JSON.stringify(expected, (k, v) => (k === 'records' ? undefined : v))));
  });
});
