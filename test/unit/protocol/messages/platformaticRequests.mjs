// Encodes a few flexible-version requests with @platformatic/kafka (an independent implementation)
// and prints them as JSON { name: hex } for the cross-check test. Run by independentEncoder.test.ts.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
// The package exports only its entry point; its per-api encoders sit beside it under dist/apis.
const root = path.resolve(path.dirname(require.resolve('@platformatic/kafka')), '..');
const api = async (p) => import(pathToFileURL(path.join(root, 'dist', 'apis', p)).href);
const topicId = '6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b';

const out = {};
const add = (name, writer) => (out[name] = writer.buffer.toString('hex'));

add('Heartbeat v4', (await api('consumer/heartbeat-v4.js')).createRequest('g1', 3, 'member-1', null));
add('FindCoordinator v6', (await api('metadata/find-coordinator-v6.js')).createRequest(0, ['g1', 'g2']));
add('Metadata v12', (await api('metadata/metadata-v12.js')).createRequest(['t1', 't2'], true, false));
add('ListOffsets v8', (await api('consumer/list-offsets-v8.js')).createRequest(-1, 1, [{ name: 't', partitions: [{ partitionIndex: 2, currentLeaderEpoch: -1, timestamp: -1n }] }]));
add('Fetch v17', (await api('consumer/fetch-v17.js')).createRequest(500, 1, 1048576, 1, 7, 2,
  [{ topicId, partitions: [{ partition: 0, currentLeaderEpoch: 4, fetchOffset: 1234567890123n, lastFetchedEpoch: -1, partitionMaxBytes: 65536 }] }],
  [{ topic: topicId, partitions: [3, 4] }], 'rack-a'));
add('JoinGroup v9', (await api('consumer/join-group-v9.js')).createRequest('g1', 30000, 60000, '', null, 'consumer',
  [{ name: 'range', metadata: Buffer.from([0, 1, 2]) }], 'rejoin'));
add('SyncGroup v5', (await api('consumer/sync-group-v5.js')).createRequest('g1', 5, 'm1', 'static-1', 'consumer', 'range',
  [{ memberId: 'm1', assignment: Buffer.from([9, 8]) }]));
add('OffsetCommit v9', (await api('consumer/offset-commit-v9.js')).createRequest('g1', 5, 'm1', null,
  [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }]));
add('OffsetFetch v9', (await api('consumer/offset-fetch-v9.js')).createRequest(
  [{ groupId: 'g1', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0, 1] }] }], true));

process.stdout.write(JSON.stringify(out));
