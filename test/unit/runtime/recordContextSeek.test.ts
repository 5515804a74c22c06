/**
 * A listener seeks and pauses through its RecordContext (Spring's ConsumerSeekCallback): the binder
 * SPI's session does the work on every binder; here on the test and native binders.
 */
import { Bindery, EnableBinding, RecordContext, Sink, StreamListener, TestBinder, silentLogger, type Binder } from '../../../src';
import { NativeBinder } from '../../../src/binder/native';
import { PartitionNotAssignedError } from '../../../src/binder/consumer/errors';
import { waitFor } from '../../integration/framework/support';

class Seen {
  readonly values: number[] = [];
  refused: unknown;
}

@EnableBinding(Sink)
class Replayer {
  constructor(private readonly seen: Seen) {}

  @StreamListener(Sink.INPUT)
  async handle(value: { n: number }, context: RecordContext): Promise<void> {
    this.seen.values.push(value.n);
    // Once, at the third record: replay from the beginning.
    if (value.n === 2 && this.seen.values.length === 3) {
      this.seen.refused = await context.seek('beginning', { topic: context.topic, partition: 5 }).catch((e: unknown) => e);
      await context.seek('beginning');
    }
  }
}

describe.each<[string, () => Binder]>([
  ['test', () => new TestBinder()],
  ['native', () => new NativeBinder({ shared: false })],
])('RecordContext.seek on the %s binder', (_name, createBinder) => {
  it('replays the partition from where the listener sought, and refuses a partition it does not hold', async () => {
    const binder = createBinder();
    await binder.provisionTopic('replayed', 1);
    const seen = new Seen();
    const app = await Bindery.create({
      services: [Replayer, { provide: Seen, useValue: seen }],
      binder,
      config: { bindings: { input: { destination: 'replayed', group: 'replay', consumer: { maxBatchRecords: 1 } } } },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    const producer = await binder.bindProducer('replayed');
    for (let n = 0; n < 4; n++) await producer.send({ value: Buffer.from(JSON.stringify({ n })), headers: [{ key: 'content-type', value: Buffer.from('application/json') }] });
    await app.start();
    try {
      await waitFor(() => seen.values.length === 7);
      expect(seen.values).toEqual([0, 1, 2, 0, 1, 2, 3]);
      expect(seen.refused).toBeInstanceOf(PartitionNotAssignedError);
    } finally {
      await app.close();
      await producer.close();
      await binder.close();
    }
  });
});
