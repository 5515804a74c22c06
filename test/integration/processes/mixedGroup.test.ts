/**
 * A client of a shared dataDir consumes through kafkajs while the holder's consumers are native
 * group members: one group forms only when both offer a common assignor, which the kafka binder's
 * `assignor` setting gives kafkajs.
 */
import { KafkaBinder } from '../../../src/binder/kafka/KafkaBinder';
import { NativeBinder } from '../../../src/binder/native/NativeBinder';
import type { ConsumerBinding } from '../../../src/binder/Binder';
import { CapturingLogger } from '../../support/capturingLogger';
import { runBroker, type RunningBroker } from '../../../src/broker/server/runBroker';
import { waitFor } from './peers';

const PARTITIONS = 4;

describe('native and kafkajs members in one group', () => {
  let running: RunningBroker;
  const logger = new CapturingLogger();
  const errors = (): string[] => logger.lines.filter((l) => l.startsWith('ERROR '));

  beforeAll(async () => {
    running = await runBroker({ memory: true, host: '127.0.0.1', port: 0, groupConfig: { initialRebalanceDelayMs: 0 } });
  });

  afterAll(async () => {
    await running.stop();
  });

  it("share a topic's partitions when the kafka binder offers the native binder's assignor", async () => {
    const native = new NativeBinder({ broker: running.broker }, logger);
    const kafka = new KafkaBinder({ brokers: [`127.0.0.1:${running.port}`], assignor: 'range', logLevel: 'nothing' }, logger);
    const bindings: ConsumerBinding[] = [];
    try {
      await native.provisionTopic('mixed', PARTITIONS);
      const got = { native: new Set<number>(), kafka: new Set<number>() };
      const options = { group: 'mixed.g', sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 };
      bindings.push(await native.bindConsumer('mixed', options, async (batch) => void got.native.add(batch.partition)));
      bindings.push(await kafka.bindConsumer('mixed', options, async (batch) => void got.kafka.add(batch.partition)));
      const producer = await native.bindProducer('mixed');
      // Records keep arriving on every partition until each member has been given some.
      await waitFor(
        () => `both members to receive records: native ${[...got.native]}, kafkajs ${[...got.kafka]}; errors ${errors().join(' | ')}`,
        () => {
          void producer.sendMany(Array.from({ length: PARTITIONS }, (_, partition) => ({ value: Buffer.from('x'), partition })));
          return got.native.size > 0 && got.kafka.size > 0;
        },
        30000,
      );
      expect(errors()).toEqual([]);
    } finally {
      await Promise.allSettled(bindings.map((b) => b.stop(1000)));
      await kafka.close();
      await native.close();
    }
  });
});
