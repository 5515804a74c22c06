import * as path from 'node:path';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../../src/protocol/consumer';
import { describeWithReference, readCapture } from '../../../support/referenceData';

describe('consumer protocol subscription and assignment', () => {
  it('round-trips a subscription at every version, dropping what the version cannot carry', () => {
    const sub = {
      topics: ['a', 'b'],
      userData: Buffer.from('ud'),
      ownedPartitions: [{ topic: 'a', partitions: [0, 2] }],
      generationId: 7,
      rackId: 'rack-1',
    };
    expect(decodeSubscription(encodeSubscription(sub, 0))).toEqual({
      version: 0, topics: ['a', 'b'], userData: Buffer.from('ud'), ownedPartitions: [], generationId: -1, rackId: null,
    });
    expect(decodeSubscription(encodeSubscription(sub, 1)).ownedPartitions).toEqual(sub.ownedPartitions);
    expect(decodeSubscription(encodeSubscription(sub, 2)).generationId).toBe(7);
    expect(decodeSubscription(encodeSubscription(sub, 3))).toEqual({ version: 3, ...sub });
  });

  it('writes the v0 layout byte for byte', () => {
    expect(encodeSubscription({ topics: ['t'] }, 0)).toEqual(Buffer.from('0000' + '00000001' + '000174' + 'ffffffff', 'hex'));
    expect(encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [1, 3] }] }, 0)).toEqual(
      Buffer.from('0000' + '00000001' + '000174' + '00000002' + '00000001' + '00000003' + 'ffffffff', 'hex'),
    );
  });

  it('decodes an empty assignment buffer as no partitions', () => {
    expect(decodeAssignment(Buffer.alloc(0)).assignedPartitions).toEqual([]);
  });

  it('reads a newer version than it knows, ignoring trailing fields', () => {
    const v3 = encodeSubscription({ topics: ['x'], rackId: 'r' }, 3);
    const v9 = Buffer.concat([v3, Buffer.from('deadbeef', 'hex')]);
    v9.writeInt16BE(9, 0);
    expect(decodeSubscription(v9)).toMatchObject({ version: 9, topics: ['x'], rackId: 'r' });
  });

  it('rejects truncated bytes with a decode error', () => {
    const bytes = encodeSubscription({ topics: ['topic-a'] }, 0);
    expect(() => decodeSubscription(bytes.subarray(0, 8))).toThrow(/cannot read/);
  });
});

describeWithReference('consumer protocol against kafkajs captures', (dir) => {
  const fixtures = path.join(dir, 'kafkajs-fixtures', 'requests');

  it('decodes the subscription kafkajs sends in JoinGroup (version 1 without owned partitions)', () => {
    const bytes = readCapture(path.join(fixtures, 'joinGroup', 'fixtures', 'v1_assignerMetadata.json'));
    const sub = decodeSubscription(bytes);
    expect(sub.version).toBe(1);
    expect(sub.topics).toHaveLength(1);
    expect(sub.topics[0]).toMatch(/^test-topic-/);
    expect(sub.userData).toEqual(Buffer.alloc(0));
    expect(sub.ownedPartitions).toEqual([]);
  });

  it('decodes and re-encodes the assignment kafkajs reads from SyncGroup', () => {
    const bytes = readCapture(path.join(fixtures, 'syncGroup', 'fixtures', 'v1_memberAssignment.json'));
    const assignment = decodeAssignment(bytes);
    expect(assignment.version).toBe(1);
    expect(assignment.assignedPartitions).toHaveLength(1);
    expect(assignment.assignedPartitions[0].partitions).toEqual([0]);
    expect(encodeAssignment(assignment, 1)).toEqual(bytes);
  });
});
