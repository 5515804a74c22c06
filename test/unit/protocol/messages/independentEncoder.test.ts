/**
 * Cross-check of flexible versions against an independent implementation: requests encoded by
 * @platformatic/kafka (an ESM package, so encoded in a child node process) decode to the values it
 * was given and re-encode to the identical bytes. The kafkajs captures are mostly classic versions.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ApiKey, decodeMessage, encodeRequest } from '../../../../src/protocol';

const topicId = '6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b';
const zeroUuid = '00000000-0000-0000-0000-000000000000';

/** What each request was built from, in bindery's field names. */
const cases: [string, ApiKey, number, object][] = [
  ['Heartbeat v4', ApiKey.Heartbeat, 4, { groupId: 'g1', generationId: 3, memberId: 'member-1', groupInstanceId: null }],
  ['FindCoordinator v6', ApiKey.FindCoordinator, 6, { keyType: 0, coordinatorKeys: ['g1', 'g2'] }],
  [
    'Metadata v12',
    ApiKey.Metadata,
    12,
    { topics: [{ topicId: zeroUuid, name: 't1' }, { topicId: zeroUuid, name: 't2' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false },
  ],
  [
    'ListOffsets v8',
    ApiKey.ListOffsets,
    8,
    { replicaId: -1, isolationLevel: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 2, currentLeaderEpoch: -1, timestamp: -1n }] }] },
  ],
  [
    'Fetch v17',
    ApiKey.Fetch,
    17,
    {
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1048576,
      isolationLevel: 1,
      sessionId: 7,
      sessionEpoch: 2,
      topics: [
        {
          topicId,
          partitions: [{ partition: 0, currentLeaderEpoch: 4, fetchOffset: 1234567890123n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 65536 }],
        },
      ],
      forgottenTopicsData: [{ topicId, partitions: [3, 4] }],
      rackId: 'rack-a',
    },
  ],
  [
    'JoinGroup v9',
    ApiKey.JoinGroup,
    9,
    {
      groupId: 'g1',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 60000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 2]) }],
      reason: 'rejoin',
    },
  ],
  [
    'SyncGroup v5',
    ApiKey.SyncGroup,
    5,
    {
      groupId: 'g1',
      generationId: 5,
      memberId: 'm1',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: 'm1', assignment: Buffer.from([9, 8]) }],
    },
  ],
  [
    'OffsetCommit v9',
    ApiKey.OffsetCommit,
    9,
    {
      groupId: 'g1',
      generationIdOrMemberEpoch: 5,
      memberId: 'm1',
      groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    },
  ],
  [
    'OffsetFetch v9',
    ApiKey.OffsetFetch,
    9,
    { groups: [{ groupId: 'g1', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0, 1] }] }], requireStable: true },
  ],
];

describe('requests encoded by @platformatic/kafka', () => {
  let encoded: Record<string, string> = {};
  beforeAll(() => {
    const script = path.join(__dirname, 'platformaticRequests.mjs');
    encoded = JSON.parse(execFileSync(process.execPath, [script], { timeout: 60_000, encoding: 'utf8' })) as Record<string, string>;
  });

  it.each(cases)('%s decodes to its inputs; bindery encodes the same bytes', (name, apiKey, version, expected) => {
    const bytes = Buffer.from(encoded[name] ?? '', 'hex');
    expect(bytes.length).toBeGreaterThan(0);
    const { data, bytesRead } = decodeMessage('request', apiKey, version, bytes);
    expect(bytesRead).toBe(bytes.length);
    expect(data).toMatchObject(expected);
    expect(encodeRequest(apiKey, version, data as never).toString('hex')).toBe(bytes.toString('hex'));
    expect(encodeRequest(apiKey, version, expected as never).toString('hex')).toBe(bytes.toString('hex'));
  });
});
