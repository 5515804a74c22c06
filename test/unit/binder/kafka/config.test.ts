import { resolveKafkaBinderConfig } from '../../../../src/binder/kafka/config';

describe('kafka binder config', () => {
  it('defaults to 127.0.0.1:9092 without config or KAFKA_BROKERS', () => {
    expect(resolveKafkaBinderConfig({}, {}).brokers).toEqual(['127.0.0.1:9092']);
  });

  it('takes KAFKA_BROKERS, comma separated, when brokers are not configured', () => {
    const config = resolveKafkaBinderConfig({}, { KAFKA_BROKERS: '10.0.0.1:9092, 10.0.0.2:9093' });
    expect(config.brokers).toEqual(['10.0.0.1:9092', '10.0.0.2:9093']);
  });

  it('prefers configured brokers, as a list or a comma separated string', () => {
    const env = { KAFKA_BROKERS: '10.0.0.1:9092' };
    expect(resolveKafkaBinderConfig({ brokers: ['a:1', 'b:2'] }, env).brokers).toEqual(['a:1', 'b:2']);
    expect(resolveKafkaBinderConfig({ brokers: 'a:1,b:2' }, env).brokers).toEqual(['a:1', 'b:2']);
  });

  it('passes TLS and SASL settings through unchanged', () => {
    const ssl = { rejectUnauthorized: false, servername: 'kafka.internal' };
    const sasl = { mechanism: 'plain' as const, username: 'u', password: 'p' };
    const config = resolveKafkaBinderConfig({ ssl, sasl }, {});
    expect(config.ssl).toBe(ssl);
    expect(config.sasl).toBe(sasl);
  });

  it('bounds retries by default', () => {
    const { retry } = resolveKafkaBinderConfig({}, {});
    expect(retry.retries).toBeGreaterThan(0);
    expect(Number.isFinite(retry.retries)).toBe(true);
    expect(resolveKafkaBinderConfig({ retry: { retries: 2 } }, {}).retry.retries).toBe(2);
  });

  it('creates topics with replication factor 1 unless told otherwise (kafkajs cannot ask for the broker default)', () => {
    expect(resolveKafkaBinderConfig({}, {}).replicationFactor).toBe(1);
    expect(resolveKafkaBinderConfig({ replicationFactor: 3 }, {}).replicationFactor).toBe(3);
  });
});
