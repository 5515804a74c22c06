import {
  GroupCoordinator,
  ManualClock,
  MemoryOffsetsPartitionStore,
  type CoordinatorRecord,
  type OffsetsPartitionStore,
} from '../../../../src/broker/group';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import {
  coordinatorPartitionFor,
  decodeCoordinatorKey,
  decodeOffsetCommitValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from '../../../../src/protocol/coordinator';
import { rebalance, settle, SimMember } from './simMember';

jest.setTimeout(15_000); // pure CPU against a manual clock: anything slower is a hang

const TOPICS = new Map([['orders', 2]]);
const DAY = 24 * 60 * 60 * 1000;

async function started(store: OffsetsPartitionStore = new MemoryOffsetsPartitionStore(), clock = new ManualClock(), retentionMs = DAY) {
  const coordinator = new GroupCoordinator({
    store,
    clock,
    config: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000, offsetsRetentionMs: retentionMs, offsetsRetentionCheckIntervalMs: 60_000 },
  });
  await coordinator.startup();
  return { clock, coordinator, store };
}

const commitReq = (groupId: string, offset: number, extra: { generationId?: number; memberId?: string; metadata?: string; retentionTimeMs?: number } = {}) => ({
  groupId,
  generationId: extra.generationId,
  memberId: extra.memberId,
  retentionTimeMs: extra.retentionTimeMs,
  topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 3, committedMetadata: extra.metadata ?? 'm' }] }],
});

const codes = (r: { topics: { partitions: { errorCode: number }[] }[] }) => r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));

describe('offset commit and fetch', () => {
  it('stores simple commits of a group without members and fetches them back', async () => {
    const { coordinator, store } = await started();
    expect(codes(await coordinator.commitOffsets(commitReq('manual', 42)))).toEqual([ErrorCode.NONE]);
    const fetched = coordinator.fetchOffsets({ groupId: 'manual', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] });
    expect(fetched.topics[0].partitions).toEqual([
      { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'm', errorCode: ErrorCode.NONE },
      { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
    ]);
    // What reached the log: one OffsetCommit record in the group's partition.
    const records = (store as MemoryOffsetsPartitionStore).readAll(coordinatorPartitionFor('manual'));
    expect(records).toHaveLength(1);
    expect(decodeCoordinatorKey(records[0].key)).toEqual({ type: 'offset', group: 'manual', topic: 'orders', partition: 0 });
    expect(decodeOffsetCommitValue(records[0].value!)).toMatchObject({ offset: 42, leaderEpoch: 3, metadata: 'm' });
  });

  it('returns every committed partition when topics is null', async () => {
    const { coordinator } = await started();
    await coordinator.commitOffsets({
      groupId: 'g',
      topics: [
        { name: 'b', partitions: [{ partitionIndex: 1, committedOffset: 5 }, { partitionIndex: 0, committedOffset: 4 }] },
        { name: 'a', partitions: [{ partitionIndex: 0, committedOffset: 3 }] },
      ],
    });
    const all = coordinator.fetchOffsets({ groupId: 'g', topics: null });
    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])])).toEqual([
      ['a', [[0, 3]]],
      ['b', [[0, 4], [1, 5]]],
    ]);
    expect(coordinator.fetchOffsets({ groupId: 'unknown', topics: null }).topics).toEqual([]);
  });

  it('checks member and generation for commits of a group with members', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders']);
    await rebalance([a], TOPICS, clock);
    expect(codes(await coordinator.commitOffsets(commitReq('g', 1, { generationId: a.generationId, memberId: a.memberId })))).toEqual([ErrorCode.NONE]);
    expect(codes(await coordinator.commitOffsets(commitReq('g', 2, { generationId: a.generationId + 1, memberId: a.memberId })))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(codes(await coordinator.commitOffsets(commitReq('g', 3, { generationId: a.generationId, memberId: 'stranger' })))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(codes(await coordinator.commitOffsets(commitReq('g', 4)))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(codes(await coordinator.commitOffsets(commitReq('nobody', 5, { generationId: 1, memberId: 'x' })))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0].partitions[0].committedOffset).toBe(1);
  });

  it('refuses commits between JoinGroup and SyncGroup', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders']);
    const join = a.join();
    await settle();
    clock.advance(100);
    await join;
    const r = await coordinator.commitOffsets(commitReq('g', 1, { generationId: a.generationId, memberId: a.memberId }));
    expect(codes(r)).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
  });

  it('refuses metadata above offset.metadata.max.bytes per partition', async () => {
    const { coordinator } = await started();
    const r = await coordinator.commitOffsets({
      groupId: 'g',
      topics: [{ name: 'orders', partitions: [
        { partitionIndex: 0, committedOffset: 1, committedMetadata: 'x'.repeat(4097) },
        { partitionIndex: 1, committedOffset: 2, committedMetadata: 'ok' },
      ] }],
    });
    expect(codes(r)).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE]);
  });

  it('answers COORDINATOR_NOT_AVAILABLE and keeps the old offset when the log write fails', async () => {
    const memory = new MemoryOffsetsPartitionStore();
    let failing = false;
    const store: OffsetsPartitionStore = {
      append: (p: number, records: CoordinatorRecord[]) => {
        if (failing) return Promise.reject(new Error('disk full'));
        memory.append(p, records);
      },
      readAll: (p: number) => memory.readAll(p),
    };
    const { coordinator } = await started(store);
    await coordinator.commitOffsets(commitReq('g', 1));
    failing = true;
    expect(codes(await coordinator.commitOffsets(commitReq('g', 2)))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0].partitions[0].committedOffset).toBe(1);
  });
});

describe('loading and expiring offsets', () => {
  it('reloads the latest value per key and skips records of other kinds', async () => {
    const store = new MemoryOffsetsPartitionStore();
    const p = coordinatorPartitionFor('g');
    const key = encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 0 });
    const value = (offset: number) => encodeOffsetCommitValue({ offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: -1 });
    store.append(p, [
      { key, value: value(1) },
      { key: Buffer.from('0003000178', 'hex'), value: Buffer.from('00') }, // a future record type
      { key, value: value(2) },
      { key: encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 1 }), value: value(9) },
      { key: encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 1 }), value: null },
    ]);
    const coordinator = new GroupCoordinator({ store, clock: new ManualClock() });
    expect(await coordinator.startup()).toEqual({ groups: 1, offsets: 1, skipped: 1 });
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0].partitions.map((x) => [x.partitionIndex, x.committedOffset])).toEqual([[0, 2]]);
  });

  it('expires offsets of a group without members after the retention period, then forgets the group', async () => {
    const { clock, coordinator, store } = await started();
    await coordinator.commitOffsets(commitReq('old', 1));
    clock.advance(DAY / 2);
    await coordinator.commitOffsets(commitReq('recent', 1));
    clock.advance(DAY / 2);
    await settle();
    clock.advance(60_000); // the next periodic check
    await settle();
    expect(coordinator.listGroups().groups.map((g) => g.groupId)).toEqual(['recent']);
    const tombstones = (store as MemoryOffsetsPartitionStore).readAll(coordinatorPartitionFor('old')).filter((r) => r.value === null);
    expect(tombstones.map((r) => decodeCoordinatorKey(r.key))).toEqual(expect.arrayContaining([
      { type: 'offset', group: 'old', topic: 'orders', partition: 0 },
      { type: 'group', group: 'old' },
    ]));
  });

  it('keeps offsets of a group with members, and honours an explicit retention time', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'live', ['orders'], { sessionTimeoutMs: 5000 });
    await rebalance([a], TOPICS, clock);
    await coordinator.commitOffsets(commitReq('live', 1, { generationId: a.generationId, memberId: a.memberId }));
    await coordinator.commitOffsets(commitReq('short', 1, { retentionTimeMs: 1000 }));
    for (let t = 0; t < 30; t++) {
      clock.advance(4000);
      a.heartbeat();
    }
    await coordinator.expireOffsets();
    expect(coordinator.listGroups().groups.map((g) => g.groupId)).toEqual(['live']);
    expect(coordinator.fetchOffsets({ groupId: 'live', topics: null }).topics[0].partitions[0].committedOffset).toBe(1);
  });
});

describe('deleting offsets', () => {
  it('deletes offsets of an Empty group, and the group with its last offset', async () => {
    const { coordinator } = await started();
    await coordinator.commitOffsets({ groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1 }, { partitionIndex: 1, committedOffset: 2 }] }] });
    const first = await coordinator.deleteOffsets({ groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
    expect(first).toEqual({ errorCode: ErrorCode.NONE, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NONE }] }] });
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0].partitions.map((p) => p.partitionIndex)).toEqual([1]);
    await coordinator.deleteOffsets({ groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 1 }] }] });
    expect(coordinator.listGroups().groups).toEqual([]);
    expect((await coordinator.deleteOffsets({ groupId: 'g', topics: [] })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('refuses to delete offsets of topics a live consumer group subscribes to', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders']);
    await rebalance([a], TOPICS, clock);
    await coordinator.commitOffsets({
      groupId: 'g', generationId: a.generationId, memberId: a.memberId,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }, { name: 'legacy', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }],
    });
    const r = await coordinator.deleteOffsets({
      groupId: 'g',
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }, { name: 'legacy', partitions: [{ partitionIndex: 0 }] }],
    });
    expect(r.topics.map((t) => [t.name, t.partitions[0].errorCode])).toEqual([
      ['orders', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC],
      ['legacy', ErrorCode.NONE],
    ]);
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics.map((t) => t.name)).toEqual(['orders']);
  });

  it('expires offsets of topics a stable consumer group no longer subscribes to', async () => {
    const { clock, coordinator } = await started(undefined, undefined, 100_000);
    const a = new SimMember(coordinator, 'g', ['orders'], { sessionTimeoutMs: 5000 });
    await rebalance([a], TOPICS, clock);
    await coordinator.commitOffsets({
      groupId: 'g', generationId: a.generationId, memberId: a.memberId,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }, { name: 'legacy', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }],
    });
    for (let t = 0; t < 30; t++) {
      clock.advance(4000);
      a.heartbeat();
      await settle(); // lets a periodic check that started finish, as it would in real time
    }
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics.map((t) => t.name)).toEqual(['orders']);
    expect(await coordinator.expireOffsets()).toBe(0); // nothing more to expire: orders is subscribed
  });
});
