import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { AlterConfigOp, ResourceType } from '../../../src/broker/topics/types';

describe('configs changed at run time on the broker and group resources', () => {
  const fs = new MemoryFileSystem();
  const open = () => Broker.open({ fs, dataDir: '/data' });
  const set = (resourceType: number, resourceName: string, name: string, value: string | null, configOperation: number = AlterConfigOp.SET) => ({
    resourceType,
    resourceName,
    configs: [{ name, value, configOperation }],
  });

  it('apply to existing topics and logs, survive a restart, and can be deleted again', async () => {
    let broker = await open();
    await broker.createTopics({ topics: [{ name: 'dyn', numPartitions: 1 }] });
    const res = await broker.incrementalAlterConfigs({
      resources: [set(ResourceType.BROKER, '0', 'log.retention.ms', '1000'), set(ResourceType.GROUP, 'g', 'consumer.heartbeat.interval.ms', '7000')],
    });
    expect(res.responses.map((r) => r.errorCode)).toEqual([0, 0]);
    expect(broker.partition('dyn', 0)?.log.config.retentionMs).toBe(1000);
    await broker.close();

    broker = await open();
    const described = await broker.describeConfigs({
      includeSynonyms: true,
      resources: [
        { resourceType: ResourceType.TOPIC, resourceName: 'dyn', configurationKeys: ['retention.ms'] },
        { resourceType: ResourceType.GROUP, resourceName: 'g', configurationKeys: ['consumer.heartbeat.interval.ms'] },
      ],
    });
    expect(described.results[0].configs[0]).toMatchObject({ value: '1000', configSource: 2, synonyms: [{ name: 'log.retention.ms', value: '1000', source: 2 }] });
    expect(described.results[1].configs[0]).toMatchObject({ value: '7000', configSource: 8 });
    expect(broker.partition('dyn', 0)?.log.config.retentionMs).toBe(1000);

    await broker.incrementalAlterConfigs({ resources: [set(ResourceType.BROKER, '0', 'log.retention.ms', null, AlterConfigOp.DELETE)] });
    expect(broker.partition('dyn', 0)?.log.config.retentionMs).toBe(604800000);
    await broker.close();
  });

  it('refuses what Kafka refuses: static broker configs, another broker id, out-of-range group values', async () => {
    const broker = await open();
    try {
      const res = await broker.incrementalAlterConfigs({
        resources: [
          set(ResourceType.BROKER, '0', 'num.partitions', '4'),
          set(ResourceType.BROKER, '7', 'log.retention.ms', '1000'),
          set(ResourceType.GROUP, 'g', 'consumer.session.timeout.ms', '61000'),
          set(ResourceType.GROUP, 'g', 'no.such.config', '1'),
        ],
      });
      expect(res.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
        [ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: Set(num.partitions)'],
        [ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 0 or empty string, but received 7'],
        [ErrorCode.INVALID_CONFIG, 'consumer.session.timeout.ms must be less than or equal to group.consumer.max.session.timeout.ms'],
        [ErrorCode.INVALID_CONFIG, expect.stringMatching(/^Unknown group config name: no.such.config/)],
      ]);
    } finally {
      await broker.close();
    }
  });
});
