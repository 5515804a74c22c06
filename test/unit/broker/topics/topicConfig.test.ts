import { parseTopicConfigs, validateTopicConfig, LONG_MAX } from '../../../../src/broker/config/topicConfigDefs';
import { TopicConfig, staticTopicDefaults } from '../../../../src/broker/config/TopicConfig';
import { BrokerRequestError } from '../../../../src/broker/BrokerRequestError';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { CompressionType, TimestampType } from '../../../../src/protocol/records/types';

function errorOf(fn: () => unknown): BrokerRequestError | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err as BrokerRequestError;
  }
}

describe('topic configs', () => {
  it('accepts Kafka topic configs and normalizes them', () => {
    expect(
      parseTopicConfigs({
        'retention.ms': '-1',
        'retention.bytes': '1000',
        'cleanup.policy': 'delete, compact',
        'compression.type': 'zstd',
        'segment.bytes': '1048576',
        'max.message.bytes': '2000000',
        'min.insync.replicas': '1',
        'message.timestamp.type': 'LogAppendTime',
        'flush.messages': '1',
        'flush.ms': '1000',
        'unclean.leader.election.enable': 'FALSE',
      }),
    ).toMatchObject({ 'cleanup.policy': 'compact,delete', 'unclean.leader.election.enable': 'false', 'retention.ms': '-1' });
  });

  it.each([
    ['retention.ms', 'abc', /expected a whole number/],
    ['retention.ms', '-2', /at least -1/],
    ['segment.bytes', '10', /at least 14/],
    ['segment.bytes', '4294967296', /at most 2147483647/],
    ['cleanup.policy', 'shred', /expected one of/],
    ['compression.type', 'brotli', /expected one of/],
    ['message.timestamp.type', 'Now', /expected one of/],
    ['min.insync.replicas', '0', /at least 1/],
    ['preallocate', 'maybe', /true or false/],
    ['compression.gzip.level', '0', /\[1,...,9\] or -1/],
    ['compression.gzip.level', '10', /\[1,...,9\] or -1/],
    ['compression.lz4.level', '18', /\[1,...,17\]/],
    ['compression.zstd.level', '23', /\[-131072,...,22\]/],
    ['local.retention.ms', '-3', /at least -2/],
    ['remote.storage.enable', 'true', /Tiered Storage functionality is disabled in the broker/],
  ])('refuses %s=%s with INVALID_CONFIG', (name, value, message) => {
    const err = errorOf(() => validateTopicConfig(name, value));
    expect(err?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(err?.message).toMatch(message);
  });

  it('accepts the Kafka 3.8+/4.x keys and no longer knows the ones Kafka 4 dropped', () => {
    expect(parseTopicConfigs({ 'compression.gzip.level': '-1', 'compression.zstd.level': '-7', 'local.retention.bytes': '-2', 'remote.storage.enable': 'false' })).toMatchObject({
      'compression.gzip.level': '-1',
      'compression.zstd.level': '-7',
    });
    expect(errorOf(() => validateTopicConfig('message.downconversion.enable', 'true'))?.message).toMatch(/Unknown topic config name/);
    expect(errorOf(() => validateTopicConfig('message.timestamp.difference.max.ms', '1000'))?.message).toMatch(/Unknown topic config name/);
  });

  it('re-compresses at the topic gzip / zstd level (gzip -1 is zlib default 6)', () => {
    expect(new TopicConfig({ 'compression.type': 'gzip' }, staticTopicDefaults({})).targetCompressionLevel).toBe(6);
    expect(new TopicConfig({ 'compression.type': 'gzip', 'compression.gzip.level': '1' }, staticTopicDefaults({})).targetCompressionLevel).toBe(1);
    expect(new TopicConfig({ 'compression.type': 'zstd' }, staticTopicDefaults({ 'compression.zstd.level': '9' })).targetCompressionLevel).toBe(9);
  });

  it('reports synonyms as Kafka does: the override, the broker config per source, its default when Kafka has one', () => {
    const cfg = new TopicConfig({ 'cleanup.policy': 'compact' }, { dynamicBroker: { 'retention.ms': '1000' }, dynamicDefaultBroker: {}, staticBroker: { 'retention.ms': '5000' } });
    const byName = Object.fromEntries(cfg.entries().map((e) => [e.name, e]));
    expect(byName['cleanup.policy'].synonyms).toEqual([
      { name: 'cleanup.policy', value: 'compact', source: 'topic' },
      { name: 'log.cleanup.policy', value: 'delete', source: 'default' },
    ]);
    expect(byName['retention.ms']).toMatchObject({ value: '1000', source: 'dynamicBroker' });
    expect(byName['retention.ms'].synonyms.map((s) => `${s.source}:${s.name}=${s.value}`)).toEqual(['dynamicBroker:log.retention.ms=1000', 'staticBroker:log.retention.ms=5000']);
    expect(byName['remote.storage.enable']).toMatchObject({ value: 'false', source: 'default', synonyms: [] });
  });

  it('refuses unknown config names and null values', () => {
    expect(errorOf(() => validateTopicConfig('retention.hours', '1'))?.message).toMatch(/Unknown topic config name: retention.hours/);
    expect(errorOf(() => validateTopicConfig('retention.ms', null))?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });

  it('layers topic overrides over broker defaults over Kafka defaults', () => {
    const cfg = new TopicConfig({ 'retention.ms': '1000' }, staticTopicDefaults({ 'retention.ms': '5000', 'segment.bytes': '2048' }));
    expect(cfg.get('retention.ms')).toBe('1000');
    expect(cfg.get('segment.bytes')).toBe('2048');
    expect(cfg.get('cleanup.policy')).toBe('delete');
    const sources = Object.fromEntries(cfg.entries().map((e) => [e.name, e.source]));
    expect(sources).toMatchObject({ 'retention.ms': 'topic', 'segment.bytes': 'staticBroker', 'cleanup.policy': 'default' });
  });

  it('converts to the log config, with Long.MAX meaning never', () => {
    const log = new TopicConfig({ 'flush.ms': LONG_MAX, 'flush.messages': '1', 'cleanup.policy': 'compact' }, staticTopicDefaults({})).toLogConfig();
    expect(log.flushMs).toBeUndefined();
    expect(log.flushMessages).toBe(1);
    expect(log.cleanupPolicy).toBe('compact');
    expect(log.retentionMs).toBe(604800000);
    expect(log.segmentMs).toBe(604800000);
  });

  it('knows the codec to re-compress to and the timestamp type', () => {
    expect(new TopicConfig({}, staticTopicDefaults({})).targetCompression).toBeNull();
    expect(new TopicConfig({ 'compression.type': 'uncompressed' }, staticTopicDefaults({})).targetCompression).toBe(CompressionType.None);
    expect(new TopicConfig({ 'compression.type': 'lz4' }, staticTopicDefaults({})).targetCompression).toBe(CompressionType.Lz4);
    expect(new TopicConfig({ 'message.timestamp.type': 'LogAppendTime' }, staticTopicDefaults({})).timestampType).toBe(TimestampType.LogAppendTime);
  });
});
