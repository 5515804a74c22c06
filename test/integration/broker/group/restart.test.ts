/**
 * The coordinator over the broker's real `__consumer_offsets` logs: what it wrote comes back after
 * the broker is closed and reopened on the same storage.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../../../src/broker/Broker';
import { ManualClock } from '../../../../src/broker/group';
import { DiskFileSystem } from '../../../../src/broker/storage/DiskFileSystem';
import type { FileSystem } from '../../../../src/broker/storage/FileSystem';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { rebalance, SimMember } from '../../../unit/broker/group/simMember';

jest.setTimeout(30_000);

const TOPICS = new Map([['orders', 4]]);
const groupConfig = { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 };

function commit(broker: Broker, groupId: string, offsets: [number, number][], member?: SimMember) {
  return broker.groups.commitOffsets({
    groupId,
    generationId: member?.generationId ?? -1,
    memberId: member?.memberId ?? '',
    topics: [{ name: 'orders', partitions: offsets.map(([partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedMetadata: `at ${committedOffset}` })) }],
  });
}

function fetched(broker: Broker, groupId: string): [string, number, number, string | null][] {
  return broker.groups
    .fetchOffsets({ groupId, topics: null })
    .topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.metadata] as [string, number, number, string | null]));
}

const storages: [string, () => { fs?: FileSystem; dataDir: string; cleanup(): void }][] = [
  ['MemoryFileSystem', () => ({ fs: new MemoryFileSystem(), dataDir: '/data', cleanup: () => undefined })],
  [
    'DiskFileSystem',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-group-'));
      return { fs: new DiskFileSystem(), dataDir: dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(storages)('group coordinator restart on %s', (_name, makeStorage) => {
  let storage: ReturnType<typeof makeStorage>;
  const open = (clock = new ManualClock(), initialRebalanceDelayMs = 0) =>
    Broker.open({ fs: storage.fs, dataDir: storage.dataDir, groupConfig: { ...groupConfig, initialRebalanceDelayMs }, clock });
  const brokers: Broker[] = [];

  beforeEach(() => {
    storage = makeStorage();
  });

  afterEach(async () => {
    for (const b of brokers.splice(0)) if (!b.isClosed) await b.close();
    storage.cleanup();
  });

  it('keeps committed offsets, the latest per partition, across a restart', async () => {
    const first = await open();
    brokers.push(first);
    expect((await commit(first, 'billing', [[0, 5], [1, 7]])).topics[0].partitions.map((p) => p.errorCode)).toEqual([0, 0]);
    await commit(first, 'billing', [[0, 9]]);
    await commit(first, 'audit', [[3, 1]]);
    await first.close();

    const second = await open();
    brokers.push(second);
    expect(fetched(second, 'billing')).toEqual([
      ['orders', 0, 9, 'at 9'],
      ['orders', 1, 7, 'at 7'],
    ]);
    expect(fetched(second, 'audit')).toEqual([['orders', 3, 1, 'at 1']]);
    expect(second.groups.listGroups().groups.map((g) => g.groupId)).toEqual(['audit', 'billing']);
  });

  it('restores a stable group with its members, who are evicted if they do not come back', async () => {
    const firstClock = new ManualClock();
    const first = await open(firstClock, 100);
    brokers.push(first);
    const [a, b] = ['a', 'b'].map(() => new SimMember(first.groups, 'workers', ['orders'], { sessionTimeoutMs: 10_000 }));
    await rebalance([a, b], TOPICS, firstClock);
    await commit(first, 'workers', [[2, 40]], a);
    const before = first.groups.describeGroups(['workers'])[0];
    await first.close();

    const clock = new ManualClock();
    const second = await open(clock);
    brokers.push(second);
    const after = second.groups.describeGroups(['workers'])[0];
    expect(after.groupState).toBe('Stable');
    expect(after.members.map((m) => [m.memberId, m.memberAssignment])).toEqual(before.members.map((m) => [m.memberId, m.memberAssignment]));
    expect(fetched(second, 'workers')).toEqual([['orders', 2, 40, 'at 40']]);
    // a reconnects to the restarted broker and heartbeats with its old id and generation; b never does.
    const a2 = second.groups.heartbeat({ groupId: 'workers', memberId: a.memberId, generationId: a.generationId });
    expect(a2.errorCode).toBe(ErrorCode.NONE);
    clock.advance(10_000);
    expect(second.groups.heartbeat({ groupId: 'workers', memberId: a.memberId, generationId: a.generationId }).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID, // a too went quiet for a whole session: both evicted
    );
    expect(second.groups.describeGroups(['workers'])[0].groupState).toBe('Empty');
  });

  it('forgets a deleted group and its offsets after a restart', async () => {
    const first = await open();
    brokers.push(first);
    await commit(first, 'gone', [[0, 3]]);
    await commit(first, 'kept', [[0, 4]]);
    expect(await first.groups.deleteGroups(['gone'])).toEqual([{ groupId: 'gone', errorCode: ErrorCode.NONE }]);
    await first.close();

    const second = await open();
    brokers.push(second);
    expect(fetched(second, 'gone')).toEqual([]);
    expect(fetched(second, 'kept')).toEqual([['orders', 0, 4, 'at 4']]);
    expect(second.groups.describeGroups(['gone'])[0].groupState).toBe('Dead');
  });
});
