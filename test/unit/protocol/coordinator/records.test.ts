import {
  decodeCoordinatorKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataValue,
} from '../../../../src/protocol/coordinator';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('__consumer_offsets record layouts', () => {
  it('writes OffsetCommitKey v1 as version, group, topic, partition', () => {
    const key = encodeOffsetCommitKey({ group: 'g1', topic: 'orders', partition: 7 });
    expect(key).toEqual(hex('0001 0002 6731 0006 6f7264657273 00000007'));
    expect(decodeCoordinatorKey(key)).toEqual({ type: 'offset', group: 'g1', topic: 'orders', partition: 7 });
    // Version 0 keys (older brokers) share the layout.
    expect(decodeCoordinatorKey(hex('0000 0001 67 0001 74 00000000'))).toEqual({ type: 'offset', group: 'g', topic: 't', partition: 0 });
  });

  it('writes GroupMetadataKey v2 as version, group', () => {
    const key = encodeGroupMetadataKey('g1');
    expect(key).toEqual(hex('0002 0002 6731'));
    expect(decodeCoordinatorKey(key)).toEqual({ type: 'group', group: 'g1' });
  });

  it('rejects keys of other record types', () => {
    expect(() => decodeCoordinatorKey(hex('0003 0001 67'))).toThrow(/key version 3/);
  });

  it('writes OffsetCommitValue v3: offset, leaderEpoch, metadata, commitTimestamp', () => {
    const value = { offset: 42, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000, expireTimestamp: -1 };
    const bytes = encodeOffsetCommitValue(value);
    expect(bytes).toEqual(hex('0003 000000000000002a 00000005 0001 6d 00000000000003e8'));
    expect(decodeOffsetCommitValue(bytes)).toEqual(value);
  });

  it('reads every OffsetCommitValue version', () => {
    // v0: offset, metadata, commitTimestamp
    expect(decodeOffsetCommitValue(hex('0000 0000000000000001 0000 0000000000000002'))).toEqual({
      offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 2, expireTimestamp: -1,
    });
    // v1: … plus expireTimestamp
    expect(decodeOffsetCommitValue(hex('0001 0000000000000001 0000 0000000000000002 0000000000000003'))).toEqual({
      offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 2, expireTimestamp: 3,
    });
    // v4: flexible — compact string (length+1) and a tagged-field section, here carrying one unknown tag.
    expect(decodeOffsetCommitValue(hex('0004 0000000000000009 ffffffff 02 78 000000000000000a 01 05 02 abcd'))).toEqual({
      offset: 9, leaderEpoch: -1, metadata: 'x', commitTimestamp: 10, expireTimestamp: -1,
    });
    const v4 = encodeOffsetCommitValue({ offset: 9, leaderEpoch: -1, metadata: 'x', commitTimestamp: 10, expireTimestamp: -1 }, 4);
    expect(v4).toEqual(hex('0004 0000000000000009 ffffffff 02 78 000000000000000a 00'));
  });

  it('writes GroupMetadataValue v3 with static member ids, and reads it back', () => {
    const value: GroupMetadataValue = {
      protocolType: 'consumer',
      generation: 3,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: 16,
      members: [
        {
          memberId: 'm1', groupInstanceId: 'i1', clientId: 'c', clientHost: '/h',
          rebalanceTimeout: 60000, sessionTimeout: 30000, subscription: hex('0102'), assignment: hex('03'),
        },
      ],
    };
    const bytes = encodeGroupMetadataValue(value);
    expect(bytes).toEqual(
      hex(
        '0003 0008 636f6e73756d6572 00000003 0005 72616e6765 0002 6d31 0000000000000010' +
          '00000001 0002 6d31 0002 6931 0001 63 0002 2f68 0000ea60 00007530 00000002 0102 00000001 03',
      ),
    );
    expect(decodeGroupMetadataValue(bytes)).toEqual(value);
    expect(decodeGroupMetadataValue(encodeGroupMetadataValue(value, 4))).toEqual(value);
  });

  it('reads GroupMetadataValue v0 (no timestamp, rebalance timeout or instance id) and an empty group', () => {
    const v0 = hex('0000 0008 636f6e73756d6572 00000001 ffff ffff 00000001 0001 61 0001 63 0001 68 00001388 00000000 00000000');
    expect(decodeGroupMetadataValue(v0)).toEqual({
      protocolType: 'consumer', generation: 1, protocol: null, leader: null, currentStateTimestamp: -1,
      members: [{ memberId: 'a', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeout: -1,
        sessionTimeout: 5000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) }],
    });
  });
});
