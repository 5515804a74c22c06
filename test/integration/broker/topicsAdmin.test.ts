import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { AlterConfigOp, ResourceType } from '../../../src/broker/topics/types';
import { fetchOne, makeBatch, produceOne } from './support/batches';

describe('topics administration', () => {
  let broker: Broker;
  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data', config: { numPartitions: 3 } });
  });
  afterEach(async () => {
    await broker.close();
  });

  const describeTopic = async (name: string) => (await broker.metadata({ topics: [{ name }], allowAutoTopicCreation: false })).topics[0];

  it('creates the compacted __consumer_offsets topic with 50 partitions on start', async () => {
    const t = await describeTopic('__consumer_offsets');
    expect(t).toMatchObject({ errorCode: 0, isInternal: true });
    expect(t.partitions).toHaveLength(50);
    const cfg = await broker.describeConfigs({ resources: [{ resourceType: ResourceType.TOPIC, resourceName: '__consumer_offsets', configurationKeys: ['cleanup.policy'] }] });
    expect(cfg.results[0].configs[0].value).toBe('compact');
    expect(broker.partition('__consumer_offsets', 49)?.logEndOffset).toBe(0);
  });

  it('creates topics with partitions, configs and an id, and describes them as Kafka does', async () => {
    const res = await broker.createTopics({
      topics: [{ name: 'orders', numPartitions: 4, replicationFactor: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }, { name: 'defaults', numPartitions: -1, replicationFactor: -1 }],
    });
    expect(res.topics.map((t) => [t.name, t.errorCode, t.numPartitions, t.replicationFactor])).toEqual([
      ['orders', 0, 4, 1],
      ['defaults', 0, 3, 1],
    ]);
    expect(res.topics[0].topicId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.topics[0].configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', configSource: 1, isDefault: false });
    const meta = await broker.metadata({ topics: null });
    expect(meta.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: 9092, rack: null }]);
    expect(meta.controllerId).toBe(0);
    const orders = meta.topics.find((t) => t.name === 'orders')!;
    expect(orders.topicId).toBe(res.topics[0].topicId);
    expect(orders.partitions[3]).toEqual({ errorCode: 0, partitionIndex: 3, leaderId: 0, leaderEpoch: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] });
    broker.setAdvertisedListener('localhost', 19092);
    expect((await broker.metadata({ topics: [] })).brokers[0]).toMatchObject({ host: 'localhost', port: 19092 });
  });

  it('refuses existing topics, bad names, partition counts, replication factors and configs', async () => {
    await broker.createTopics({ topics: [{ name: 'a.b' }] });
    const res = await broker.createTopics({
      topics: [
        { name: 'a.b' },
        { name: 'a_b' },
        { name: '..' },
        { name: 'zero', numPartitions: 0 },
        { name: 'rf3', replicationFactor: 3 },
        { name: 'cfg', configs: [{ name: 'retention.ms', value: 'soon' }] },
        { name: 'unknowncfg', configs: [{ name: 'no.such.config', value: '1' }] },
      ],
    });
    expect(res.topics.map((t) => t.errorCode)).toEqual([
      ErrorCode.TOPIC_ALREADY_EXISTS,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.INVALID_CONFIG,
      ErrorCode.INVALID_CONFIG,
    ]);
    expect(res.topics.every((t) => typeof t.errorMessage === 'string' && t.errorMessage.length > 0)).toBe(true);
    expect((await describeTopic('cfg')).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('validates without creating when validateOnly is set', async () => {
    const res = await broker.createTopics({ topics: [{ name: 'dry', numPartitions: 2 }], validateOnly: true });
    expect(res.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 2 });
    expect((await describeTopic('dry')).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('deletes topics (their data goes with them) and refuses unknown or internal ones', async () => {
    await produceOne(broker, 'temp', 0, makeBatch({ count: 5 }));
    const res = await broker.deleteTopics({ topicNames: ['temp', 'nope', '__consumer_offsets'] });
    expect(res.responses.map((r) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_TOPIC_EXCEPTION]);
    await broker.createTopics({ topics: [{ name: 'temp', numPartitions: 1 }] });
    expect((await fetchOne(broker, 'temp', 0, 0)).highWatermark).toBe(0);
  });

  it('adds partitions, never removes them', async () => {
    await broker.createTopics({ topics: [{ name: 'grow', numPartitions: 2 }] });
    const res = await broker.createPartitions({ topics: [{ name: 'grow', count: 5 }, { name: 'grow', count: 1 }, { name: 'nope', count: 3 }] });
    expect(res.results.map((r) => r.errorCode)).toEqual([0, ErrorCode.INVALID_PARTITIONS, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect((await describeTopic('grow')).partitions).toHaveLength(5);
    expect((await produceOne(broker, 'grow', 4, makeBatch())).errorCode).toBe(0);
  });

  it('auto-creates topics on produce, fetch and metadata with num.partitions', async () => {
    expect((await produceOne(broker, 'auto-produce', 2, makeBatch())).errorCode).toBe(0);
    expect((await fetchOne(broker, 'auto-fetch', 0, 0)).errorCode).toBe(0);
    expect((await broker.metadata({ topics: [{ name: 'auto-meta' }], allowAutoTopicCreation: true })).topics[0].partitions).toHaveLength(3);
    for (const name of ['auto-produce', 'auto-fetch']) expect((await describeTopic(name)).partitions).toHaveLength(3);
  });

  it('describes and alters topic configs, and describes the broker', async () => {
    await broker.createTopics({ topics: [{ name: 'cfg', configs: [{ name: 'retention.ms', value: '1000' }] }] });
    const set = await broker.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ResourceType.TOPIC,
          resourceName: 'cfg',
          configs: [
            { name: 'segment.bytes', value: '65536', configOperation: AlterConfigOp.SET },
            { name: 'retention.ms', value: null, configOperation: AlterConfigOp.DELETE },
            { name: 'cleanup.policy', value: 'compact', configOperation: AlterConfigOp.APPEND },
          ],
        },
      ],
    });
    expect(set.responses[0].errorCode).toBe(0);
    const read = async () =>
      Object.fromEntries(
        (await broker.describeConfigs({ resources: [{ resourceType: ResourceType.TOPIC, resourceName: 'cfg' }] })).results[0].configs.map((c) => [c.name, [c.value, c.isDefault]]),
      );
    expect(await read()).toMatchObject({ 'segment.bytes': ['65536', false], 'retention.ms': ['604800000', true], 'cleanup.policy': ['compact,delete', false] });
    const replaced = await broker.alterConfigs({ resources: [{ resourceType: ResourceType.TOPIC, resourceName: 'cfg', configs: [{ name: 'max.message.bytes', value: '500' }] }] });
    expect(replaced.responses[0].errorCode).toBe(0);
    expect(await read()).toMatchObject({ 'segment.bytes': ['1073741824', true], 'max.message.bytes': ['500', false] });
    expect((await produceOne(broker, 'cfg', 0, makeBatch({ valueSize: 1000 }))).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);

    const bad = await broker.alterConfigs({
      resources: [
        { resourceType: ResourceType.TOPIC, resourceName: 'cfg', configs: [{ name: 'segment.bytes', value: '-1' }] },
        { resourceType: ResourceType.TOPIC, resourceName: 'nope', configs: [] },
        // num.partitions cannot change at run time (only the topic defaults, log.retention.ms and friends, can)
        { resourceType: ResourceType.BROKER, resourceName: '0', configs: [{ name: 'num.partitions', value: '5' }] },
      ],
    });
    expect(bad.responses.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_CONFIG, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_REQUEST]);
    const brokerCfg = await broker.describeConfigs({ resources: [{ resourceType: ResourceType.BROKER, resourceName: '0', configurationKeys: ['num.partitions'] }] });
    expect(brokerCfg.results[0].configs).toEqual([expect.objectContaining({ name: 'num.partitions', value: '3', readOnly: true })]);
  });
});
