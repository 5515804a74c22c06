/**
 * Apache Kafka reads the coordinator's records: `kafka.tools.DumpLogSegments --offsets-decoder`
 * decodes the `__consumer_offsets` segment a bindery broker wrote — group metadata with the members'
 * subscriptions and assignments, and committed offsets — in the partition Kafka itself would pick.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../../../src/broker/Broker';
import { ManualClock } from '../../../../src/broker/group';
import { commandWorks, describeIfPeer } from '../../../support/peers';
import { rebalance, SimMember } from '../../../unit/broker/group/simMember';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaPaths = require('../../../../scripts/kafka/paths.js') as { classpath(): string; libsAvailable(): boolean };

const available = commandWorks('java', ['-version']) && kafkaPaths.libsAvailable();

jest.setTimeout(120_000);

interface DumpedRecord {
  key: { type: string; data: Record<string, unknown> };
  payload: { version: string; data: Record<string, unknown> } | null;
}

/** The key/payload JSON of every record DumpLogSegments prints. */
function dumpOffsetsSegments(partitionDir: string): DumpedRecord[] {
  const segments = fs.readdirSync(partitionDir).filter((n) => n.endsWith('.log')).sort().map((n) => path.join(partitionDir, n));
  const out = execFileSync('java', ['-cp', kafkaPaths.classpath(), 'kafka.tools.DumpLogSegments', '--offsets-decoder', '--files', ...segments], {
    encoding: 'utf8',
    timeout: 90_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out
    .split('\n')
    .filter((line) => line.includes(' key: '))
    .map((line) => {
      const match = /key: (\{.*\}) payload: (.*)$/.exec(line);
      if (!match) throw new Error(`unexpected DumpLogSegments line: ${line}`);
      return { key: JSON.parse(match[1]), payload: match[2] === '<DELETE>' || match[2] === 'null' ? null : JSON.parse(match[2]) } as DumpedRecord;
    });
}

describeIfPeer('Java 17 + Apache Kafka jars', available, "Apache Kafka's offsets decoder reads bindery's __consumer_offsets", () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-offsets-decoder-'));
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('decodes group metadata, members, assignments, offset commits and tombstones', async () => {
    const clock = new ManualClock();
    const broker = await Broker.open({ dataDir: root, groupConfig: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 }, clock });
    let member: SimMember;
    try {
      member = new SimMember(broker.groups, 'test-group', ['orders'], { instanceId: 'instance-1' });
      await rebalance([member], new Map([['orders', 3]]), clock);
      const committed = await broker.groups.commitOffsets({
        groupId: 'test-group',
        generationId: member.generationId,
        memberId: member.memberId,
        topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: 0, committedMetadata: 'hello' }] }],
      });
      expect(committed.topics[0].partitions[0].errorCode).toBe(0);
      // Then the group empties and is deleted: tombstones for its offset and its metadata.
      expect(member.leave()).toBe(0);
      expect(await broker.groups.deleteGroups(['test-group'])).toEqual([{ groupId: 'test-group', errorCode: 0 }]);
    } finally {
      await broker.close();
    }

    // Kafka puts "test-group" in partition 12 of 50; so must bindery.
    const records = dumpOffsetsSegments(path.join(root, '__consumer_offsets-12'));
    const group = records.find((r) => r.key.type === '2');
    expect(group?.key.data).toEqual({ group: 'test-group' });
    expect(group?.payload?.data).toMatchObject({
      protocolType: 'consumer',
      generation: 1,
      protocol: 'range',
      leader: member.memberId,
      members: [
        {
          memberId: member.memberId,
          groupInstanceId: 'instance-1',
          clientHost: '/127.0.0.1',
          subscription: { topics: ['orders'] },
          assignment: { assignedPartitions: [{ topic: 'orders', partitions: [0, 1, 2] }] },
        },
      ],
    });
    const offset = records.find((r) => r.key.type === '1');
    expect(offset?.key.data).toEqual({ group: 'test-group', topic: 'orders', partition: 1 });
    expect(offset?.payload?.data).toMatchObject({ offset: 42, leaderEpoch: 0, metadata: 'hello' });
    // The member left: generation 2, Empty. Then the deletion's tombstones, offset first.
    expect(records.slice(-3)).toEqual([
      { key: group!.key, payload: { version: '3', data: expect.objectContaining({ generation: 2, protocol: null, leader: null, members: [] }) } },
      { key: offset!.key, payload: null },
      { key: group!.key, payload: null },
    ]);
  });
});
