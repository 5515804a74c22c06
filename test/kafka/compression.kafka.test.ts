/**
 * Every codec the kafka binder produces with must be one Apache Kafka accepts: the broker
 * decompresses each batch to validate it, so an append here proves the Java codecs read ours.
 */
import { createKafkaBinder } from '../../src/binder/kafka';
import { CompressionType } from '../../src/protocol/compression';
import type { Binder } from '../../src/binder/Binder';
import { describeIfPeer } from '../support/peers';
import { Collector, uniqueTopic } from '../integration/binder-contract/contractSupport';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'kafka binder compression on Apache Kafka', () => {
  let binder: Binder;
  beforeAll(() => {
    binder = createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' });
  });
  afterAll(() => binder.close());

  const codecs: [string, CompressionType][] = [
    ['none', CompressionType.None],
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ];

  it.each(codecs)('%s: the broker accepts the batches and they read back intact', async (name, compression) => {
    const topic = uniqueTopic(`codec-${name}`);
    const producer = await binder.bindProducer(topic, { compression });
    const sent = Array.from({ length: 200 }, (_, i) => JSON.stringify({ codec: name, i, text: 'lorem ipsum '.repeat(i % 7) }));
    await producer.sendMany(sent.map((value, i) => ({ key: Buffer.from(`k${i % 5}`), value: Buffer.from(value) })));
    await producer.close();
    const consumer = await Collector.subscribe(binder, topic, { group: `${topic}.group` });
    await consumer.waitForCount(sent.length);
    expect(consumer.values().sort()).toEqual([...sent].sort());
    await consumer.stop();
  });
});
