import { Partitioners, type Message, type PartitionMetadata } from 'kafkajs';
import { PartitionChoices } from '../../../../src/binder/kafka/partitioner';
import { partitionForKey } from '../../../../src/protocol/murmur2';

function metadata(count: number, withoutLeader: number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: withoutLeader.includes(partitionId) ? -1 : 1,
    replicas: [1],
    isr: [1],
  }));
}

describe('kafka binder partitioner', () => {
  const keys = Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? `order-${i}` : `${i * 31}-\u00e9\u4e2d`));

  it('puts a keyed record on the same partition as kafkajs\' DefaultPartitioner (murmur2)', () => {
    const ours = new PartitionChoices().partitioner();
    const kafkajs = Partitioners.DefaultPartitioner();
    for (const count of [1, 3, 7, 12]) {
      const partitionMetadata = metadata(count);
      for (const key of keys) {
        const args = { topic: 't', partitionMetadata, message: { key: Buffer.from(key), value: null } };
        expect(ours(args)).toBe(kafkajs({ ...args, message: { ...args.message } }));
      }
    }
  });

  it('agrees with partitionForKey, the native binder\'s rule', () => {
    const ours = new PartitionChoices().partitioner();
    for (const key of keys) {
      const message = { key: Buffer.from(key), value: null };
      expect(ours({ topic: 't', partitionMetadata: metadata(6), message })).toBe(partitionForKey(Buffer.from(key), 6));
    }
  });

  it('treats a string key as its UTF-8 bytes', () => {
    const ours = new PartitionChoices().partitioner();
    const key = 'k\u00fcnde-42';
    expect(ours({ topic: 't', partitionMetadata: metadata(5), message: { key, value: null } })).toBe(
      partitionForKey(Buffer.from(key, 'utf8'), 5),
    );
  });

  it('keeps an explicit partition', () => {
    const ours = new PartitionChoices().partitioner();
    const message = { key: Buffer.from('x'), value: null, partition: 4 };
    expect(ours({ topic: 't', partitionMetadata: metadata(6), message })).toBe(4);
  });

  it('spreads null keys over partitions that have a leader', () => {
    const ours = new PartitionChoices().partitioner();
    const chosen = Array.from({ length: 12 }, () =>
      ours({ topic: 't', partitionMetadata: metadata(4, [2]), message: { key: null, value: null } }),
    );
    expect(new Set(chosen)).toEqual(new Set([0, 1, 3]));
  });

  it('gives the same message object the same partition when kafkajs partitions it again on retry', () => {
    const choices = new PartitionChoices();
    const ours = choices.partitioner();
    const message: Message = { key: null, value: null };
    const first = ours({ topic: 't', partitionMetadata: metadata(4), message });
    const other = ours({ topic: 't', partitionMetadata: metadata(4), message: { key: null, value: null } });
    expect(other).not.toBe(first);
    expect(ours({ topic: 't', partitionMetadata: metadata(4), message })).toBe(first);
    expect(choices.partitionOf(message)).toBe(first);
  });
});
