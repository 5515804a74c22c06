/**
 * Child process of the transactions crash test: a Bindery application (the native binder on a
 * data directory, or the kafka binder) whose transactional listener copies keyed records from an
 * input topic to an output topic. Reports over IPC how many records it copied and, once asked to, when its group
 * has committed the end of every input partition. Settings come as JSON in
 * BINDERY_TEST_TXN_CHILD (see TransactionalCopierSettings).
 */
import { Kafka, logLevel } from 'kafkajs';
import { Bindery, EnableBinding, Processor, SendTo, StreamListener, silentLogger, type BinderyConfig } from '../../../src';
import { resolveKafkaBinderConfig, type KafkaBinderConfig } from '../../../src/binder/kafka';
import type { NativeBinder } from '../../../src/binder/native';

export interface TransactionalCopierSettings {
  binder: 'native' | 'kafka';
  binders: NonNullable<BinderyConfig['binders']>;
  input: string;
  output: string;
  group: string;
  partitions: number;
  /** Group members the child runs (each with the transactional producer of its partitions). */
  concurrency: number;
  transactionIdPrefix: string;
  sessionTimeoutMs: number;
  transactionTimeoutMs: number;
}

const settings = JSON.parse(process.env.BINDERY_TEST_TXN_CHILD ?? '{}') as TransactionalCopierSettings;
let copied = 0;

@EnableBinding(Processor)
class Copier {
  @StreamListener(Processor.INPUT)
  @SendTo(Processor.OUTPUT)
  copy(message: { key: string; seq: number }): { key: string; seq: number } {
    if (++copied % 100 === 0) process.send?.({ copied });
    return message;
  }
}

/** Whether the group committed the end of every input partition (nothing left to copy). */
async function caughtUp(app: Bindery): Promise<boolean> {
  const indexes = Array.from({ length: settings.partitions }, (_, i) => i);
  if (settings.binder === 'kafka') {
    // Resolved as the binder resolves them: kafkajs takes a string as a list of one-character brokers.
    const { brokers } = resolveKafkaBinderConfig(settings.binders.kafka as KafkaBinderConfig);
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: settings.group, topics: [settings.input] });
      const ends = await admin.fetchTopicOffsets(settings.input);
      return indexes.every((i) => committed.partitions.find((p) => p.partition === i)?.offset === ends.find((e) => e.partition === i)?.high);
    } finally {
      await admin.disconnect();
    }
  }
  const broker = await (app.binder as NativeBinder).broker();
  const committed = broker.fetchOffsets({ groupId: settings.group, topics: [{ name: settings.input, partitionIndexes: indexes }] }).topics[0]?.partitions ?? [];
  return indexes.every((i) => committed.find((p) => p.partitionIndex === i)?.committedOffset === broker.partition(settings.input, i)?.highWatermark);
}

async function main(): Promise<void> {
  const app = await Bindery.create({
    services: [Copier],
    config: {
      binder: settings.binder,
      binders: settings.binders,
      bindings: {
        input: {
          destination: settings.input,
          group: settings.group,
          consumer: {
            transactional: true,
            partitionCount: settings.partitions,
            concurrency: settings.concurrency,
            maxAttempts: 1,
            sessionTimeoutMs: settings.sessionTimeoutMs,
          },
        },
        output: {
          destination: settings.output,
          producer: { transactionIdPrefix: settings.transactionIdPrefix, transactionTimeoutMs: settings.transactionTimeoutMs, partitionCount: settings.partitions },
        },
      },
    },
    configFile: false,
    env: {},
    logger: process.env.DEBUG_DELIVERY ? undefined : silentLogger,
  });
  await app.start();
  process.on('message', (m: { watch?: boolean }) => {
    if (!m.watch) return;
    const check = (): void =>
      void caughtUp(app).then(
        (done) => (done ? process.send?.({ caughtUp: true }) : setTimeout(check, 100)),
        (error: Error) => {
          process.send?.({ checkError: error.message });
          setTimeout(check, 100);
        },
      );
    check();
  });
  process.send?.({ ready: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
