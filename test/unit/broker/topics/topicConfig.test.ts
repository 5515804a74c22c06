import { parseTopicConfigs, validateTopicConfig, LONG_MAX } from '../../../../src/broker/config/topicConfigDefs';
import { TopicConfig } from '../../../../src/broker/config/TopicConfig';
import { BrokerRequestError } from '../../../../src/broker/config/BrokerError';
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
  ])('refuses %s=%s with INVALID_CONFIG', (name, value, message) => {
    const err = errorOf(() => validateTopicConfig(name, value));
    expect(err?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(err?.message).toMatch(message);
  });

  it('refuses unknown config names and null values', () => {
    expect(errorOf(() => validateTopicConfig('retention.hours', '1'))?.message).toMatch(/Unknown topic config name: retention.hours/);
    expect(errorOf(() => validateTopicConfig('retention.ms', null))?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });

  it('layers topic overrides over broker defaults over Kafka defaults', () => {
    const cfg = new TopicConfig({ 'retention.ms': '1000' }, { 'retention.ms': '5000', 'segment.bytes': '2048' });
    expect(cfg.get('retention.ms')).toBe('1000');
    expect(cfg.get('segment.bytes')).toBe('2048');
    expect(cfg.get('cleanup.policy')).toBe('delete');
    const sources = Object.fromEntries(cfg.entries().map((e) => [e.name, e.source]));
    expect(sources).toMatchObject({ 'retention.ms': 'topic', 'segment.bytes': 'broker', 'cleanup.policy': 'default' });
  });

  it('converts to the log config, with Long.MAX meaning never', () => {
    const log = new TopicConfig({ 'flush.ms': LONG_MAX, 'flush.messages': '1', 'cleanup.policy': 'compact' }, {}).toLogConfig();
    expect(log.flushMs).toBeUndefined();
    expect(log.flushMessages).toBe(1);
    expect(log.cleanupPolicy).toBe('compact');
    expect(log.retentionMs).toBe(604800000);
    expect(log.segmentMs).toBe(604800000);
  });

  it('knows the codec to re-compress to and the timestamp type', () => {
    expect(new TopicConfig({}, {}).targetCompression).toBeNull();
    expect(new TopicConfig({ 'compression.type': 'uncompressed' }, {}).targetCompression).toBe(CompressionType.None);
    expect(new TopicConfig({ 'compression.type': 'lz4' }, {}).targetCompression).toBe(CompressionType.Lz4);
    expect(new TopicConfig({ 'message.timestamp.type': 'LogAppendTime' }, {}).timestampType).toBe(TimestampType.LogAppendTime);
  });
});
