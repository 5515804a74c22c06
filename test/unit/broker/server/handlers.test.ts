import type { BrokerApi, BrokerServices } from '../../../../src/broker/server/brokerApi';
import { brokerHandlers } from '../../../../src/broker/server/handlers';
import { advertisedVersions } from '../../../../src/broker/server/unsupportedVersion';
import { NO_RESPONSE, type ApiHandler, type RequestContext } from '../../../../src/broker/server/types';
import { ApiKey, apiMessageSchemas, decodeRequest, encodeRequest, encodeResponse, concatChunks } from '../../../../src/protocol';

/** A broker whose answers each test sets; calls not set by a test fail loudly. */
function fakeBroker(overrides: Partial<BrokerApi>): BrokerApi {
  return new Proxy(overrides as BrokerApi, {
    get: (target, prop: string) => {
      if (prop in target) return (target as unknown as Record<string, unknown>)[prop];
      throw new Error(`unexpected broker call ${prop}`);
    },
  });
}

const table = new Map(brokerHandlers.map((h) => [h.apiKey, h]));

function services(broker: BrokerApi): BrokerServices {
  return {
    broker,
    advertisedVersions: () => advertisedVersions(table),
    sasl: null,
    advertisedHost: '127.0.0.1',
    advertisedPort: 9999,
    nodeId: 0,
    clusterId: 'test-cluster',
    notices: { once: () => undefined },
  };
}

/** Encodes a request at `version`, decodes it as the server would, runs the handler, and encodes its answer. */
async function call(apiKey: ApiKey, version: number, request: object, broker: Partial<BrokerApi> = {}): Promise<any> {
  const handler = table.get(apiKey) as ApiHandler<BrokerServices>;
  const decoded = decodeRequest(apiKey, version, encodeRequest(apiKey, version, request as never));
  const ctx: RequestContext<BrokerServices> = {
    header: { apiKey, apiVersion: version, correlationId: 1, clientId: 'unit' },
    connection: { id: 1, remoteAddress: '127.0.0.1:5555' },
    services: services(fakeBroker(broker)),
    afterResponseWritten: () => undefined,
  };
  const result = await handler.handle(decoded, ctx);
  if (result !== NO_RESPONSE) concatChunks(encodeResponse(apiKey, version, 1, result as never)); // must encode at this version
  return result;
}

describe('wire handlers', () => {
  it('every handler covers the versions its clients need and never exceeds the schema', () => {
    const need: [ApiKey, number][] = [
      [ApiKey.Produce, 12], [ApiKey.Fetch, 17], [ApiKey.Metadata, 12], [ApiKey.ApiVersions, 3], [ApiKey.JoinGroup, 9],
      [ApiKey.OffsetCommit, 9], [ApiKey.OffsetFetch, 9], [ApiKey.FindCoordinator, 6], [ApiKey.ListOffsets, 9], [ApiKey.InitProducerId, 5],
      [ApiKey.DescribeLogDirs, 4], [ApiKey.EndTxn, 5], [ApiKey.TxnOffsetCommit, 5], [ApiKey.AddPartitionsToTxn, 5],
    ];
    for (const [key, max] of need) expect([key, table.get(key)?.maxVersion]).toEqual([key, max]);
    expect(advertisedVersions(table).every((v) => v.minVersion === 0)).toBe(true);
    for (const h of brokerHandlers) {
      // The codec's range: the schema's versions and the newer versions that repeat a layout (Produce v12, TxnOffsetCommit v5).
      expect([h.name, h.maxVersion <= (apiMessageSchemas.get(h.apiKey)?.versions.max ?? -1)]).toEqual([h.name, true]);
    }
  });

  it('FindCoordinator answers every key of v4+ and the single key of older versions with this broker', async () => {
    const v4 = await call(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    expect(v4.coordinators.map((c: { key: string; port: number }) => [c.key, c.port])).toEqual([['a', 9999], ['b', 9999]]);
    const v1 = await call(ApiKey.FindCoordinator, 1, { key: 'a', keyType: 0 });
    expect([v1.errorCode, v1.nodeId, v1.host, v1.port]).toEqual([0, 0, '127.0.0.1', 9999]);
    const txn = await call(ApiKey.FindCoordinator, 1, { key: 'tx', keyType: 1 });
    expect([txn.errorCode, txn.port]).toEqual([0, 9999]);
    const txnV4 = await call(ApiKey.FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx'] });
    expect([txnV4.coordinators[0].errorCode, txnV4.coordinators[0].port]).toEqual([0, 9999]);
    const unknownType = await call(ApiKey.FindCoordinator, 4, { keyType: 2, coordinatorKeys: ['x'] });
    expect(unknownType.coordinators[0].errorCode).toBe(42);
  });

  it('DescribeLogDirs reports the volume space from v4 and asks the engine for the requested partitions only', async () => {
    const describeLogDirs = jest.fn(() => [{ errorCode: 0, logDir: '/data', topics: [{ name: 't', partitions: [{ partitionIndex: 1, partitionSize: 123, offsetLag: 0, isFutureKey: false }] }], totalBytes: 1000, usableBytes: 400 }]);
    const v4 = await call(ApiKey.DescribeLogDirs, 4, { topics: [{ topic: 't', partitions: [1] }] }, { describeLogDirs });
    expect(describeLogDirs).toHaveBeenCalledWith({ topics: [{ topic: 't', partitions: [1] }] });
    expect(v4.results[0]).toMatchObject({ logDir: '/data', totalBytes: 1000n, usableBytes: 400n, topics: [{ name: 't', partitions: [{ partitionIndex: 1, partitionSize: 123n, offsetLag: 0n }] }] });
    const v0 = await call(ApiKey.DescribeLogDirs, 0, { topics: null }, { describeLogDirs });
    expect(describeLogDirs).toHaveBeenLastCalledWith({ topics: null });
    expect(v0.results[0].topics[0].partitions[0].partitionSize).toBe(123n);
  });

  it('InitProducerId asks the transaction coordinator for a transactional id (fencing code by version), and serves an idempotent producer', async () => {
    const fenced = { initProducerId: jest.fn(async () => ({ errorCode: 90, errorMessage: 'fenced', producerId: -1, producerEpoch: -1 })) };
    const transactions = fenced as unknown as BrokerApi['transactions'];
    const v4 = await call(ApiKey.InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: 3n, producerEpoch: 1 }, { transactions });
    expect([v4.errorCode, v4.producerId]).toEqual([90, -1n]);
    expect(fenced.initProducerId).toHaveBeenCalledWith({ transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: 3, producerEpoch: 1 });
    const v3 = await call(ApiKey.InitProducerId, 3, { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: 3n, producerEpoch: 1 }, { transactions });
    expect(v3.errorCode).toBe(47);
    const initProducerId = jest.fn(() => ({ errorCode: 0, errorMessage: null, producerId: 7, producerEpoch: 0 }));
    const granted = await call(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }, { initProducerId });
    expect([granted.errorCode, granted.producerId]).toEqual([0, 7n]);
  });

  it('DescribeProducers lists each partition\'s producers with the start of their open transaction', async () => {
    const partition = {
      producers: { entries: () => [{ producerId: 4, epoch: 2, batches: [{ firstSeq: 0, lastSeq: 9, firstOffset: 0, lastOffset: 9, maxTimestamp: 1234 }] }] },
      txns: { startOffsetOf: (pid: number) => (pid === 4 ? 7 : -1) },
    } as unknown as ReturnType<BrokerApi['partition']>;
    const res = await call(ApiKey.DescribeProducers, 0, { topics: [{ name: 't', partitionIndexes: [0, 1] }] }, { partition: (_t: string, i: number) => (i === 0 ? partition : undefined) });
    expect(res.topics[0].partitions[0].activeProducers).toEqual([
      expect.objectContaining({ producerId: 4n, producerEpoch: 2, lastSequence: 9, lastTimestamp: 1234n, currentTxnStartOffset: 7n }),
    ]);
    expect(res.topics[0].partitions[1].errorCode).toBe(3);
  });

  it('OffsetFetch v8 answers per group; v1 answers the single group', async () => {
    const fetchOffsets = jest.fn(async (req: { groupId: string }) => ({
      errorCode: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: req.groupId === 'g1' ? 5 : 7, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }],
    }));
    const v8 = await call(ApiKey.OffsetFetch, 8, { groups: [{ groupId: 'g1', topics: null }, { groupId: 'g2', topics: [{ name: 't', partitionIndexes: [0] }] }], requireStable: false }, { fetchOffsets });
    expect(v8.groups.map((g: any) => [g.groupId, Number(g.topics[0].partitions[0].committedOffset)])).toEqual([['g1', 5], ['g2', 7]]);
    expect(fetchOffsets.mock.calls[0][0]).toMatchObject({ groupId: 'g1', topics: null });
    const v1 = await call(ApiKey.OffsetFetch, 1, { groupId: 'g1', topics: [{ name: 't', partitionIndexes: [0] }] }, { fetchOffsets });
    expect(Number(v1.topics[0].partitions[0].committedOffset)).toBe(5);
  });

  it('LeaveGroup v0 leaves one member; v3 a batch', async () => {
    const leaveGroup = jest.fn((req: { members: { memberId: string }[] }) => ({
      errorCode: 0,
      members: req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: null, errorCode: m.memberId === 'gone' ? 25 : 0 })),
    }));
    const v0 = await call(ApiKey.LeaveGroup, 0, { groupId: 'g', memberId: 'gone' }, { leaveGroup });
    expect(v0.errorCode).toBe(25);
    const v3 = await call(ApiKey.LeaveGroup, 3, { groupId: 'g', members: [{ memberId: 'a', groupInstanceId: null }, { memberId: 'gone', groupInstanceId: null }] }, { leaveGroup });
    expect([v3.errorCode, v3.members.map((m: any) => m.errorCode)]).toEqual([0, [0, 25]]);
  });

  it('Produce with acks=0 appends and returns no response', async () => {
    const produce = jest.fn(async () => ({ throttleTimeMs: 0, responses: [] }));
    const records = Buffer.alloc(0);
    const res = await call(ApiKey.Produce, 7, { transactionalId: null, acks: 0, timeoutMs: 100, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] }, { produce });
    expect(res).toBe(NO_RESPONSE);
    expect(produce).toHaveBeenCalledTimes(1);
  });

  it('ListOffsets v0 reports the offset in oldStyleOffsets', async () => {
    const listOffsets = jest.fn(() => ({
      throttleTimeMs: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null, timestamp: -1, offset: 42, leaderEpoch: 0 }] }],
    }));
    const v0 = await call(ApiKey.ListOffsets, 0, { replicaId: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1n, maxNumOffsets: 1 }] }] }, { listOffsets });
    expect(v0.topics[0].partitions[0].oldStyleOffsets).toEqual([42n]);
  });

  it('Fetch v13+ names topics by id and passes the ids to the broker', async () => {
    const id = '0b6f1d2e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
    const fetch = jest.fn(async () => ({
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [{ topic: 't', topicId: id, partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 3, lastStableOffset: 3, logStartOffset: 0, abortedTransactions: null, preferredReadReplica: -1, records: null }] }],
    }));
    const res = await call(ApiKey.Fetch, 13, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topicId: id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024 }] }],
      forgottenTopicsData: [], rackId: '',
    }, { fetch });
    expect((fetch.mock.calls[0] as any)[0].topics[0]).toMatchObject({ topicId: id });
    expect(res.responses[0].topicId).toBe(id);
    expect(res.responses[0].partitions[0].records).toEqual(Buffer.alloc(0));
  });

  it('SaslAuthenticate refuses before a PLAIN handshake', async () => {
    const res = await call(ApiKey.SaslAuthenticate, 1, { authBytes: Buffer.from('\u0000u\u0000p') });
    expect(res.errorCode).toBe(34);
  });
});
