import { Acknowledgment, Bindery, EnableBinding, InputDestination, RecordContext, Sink, StreamListener, TestBinder, silentLogger } from '../../../src';
import { waitFor } from '../../integration/framework/support';

class Scenario {
  readonly handled: string[] = [];
  committedAtRevocation: number | undefined;
  join: () => Promise<void> = async () => undefined;
}

@EnableBinding(Sink)
class ManualAcker {
  constructor(private readonly scenario: Scenario) {}

  @StreamListener(Sink.INPUT)
  async handle(value: { n: number }, ack: Acknowledgment, context: RecordContext): Promise<void> {
    this.scenario.handled.push(`${context.partition}:${value.n}`);
    ack.ack();
    // Another member joins mid-batch: partition 1 moves to it.
    if (context.partition === 1 && value.n === 0) await this.scenario.join();
  }
}

describe('partition revocation', () => {
  it('commits acknowledged offsets of revoked partitions and stops processing them', async () => {
    const binder = new TestBinder();
    await binder.provisionTopic('jobs', 2);
    const scenario = new Scenario();
    const app = await Bindery.create({
      services: [ManualAcker, { provide: Scenario, useValue: scenario }],
      binder,
      config: { bindings: { input: { destination: 'jobs', group: 'g', consumer: { ackMode: 'manual' } } } },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    const newcomer: string[] = [];
    scenario.join = async () => {
      await binder.bindConsumer('jobs', { group: 'g' }, async (batch) => {
        newcomer.push(...batch.records.map((r) => `${r.partition}:${JSON.parse(r.value!.toString()).n}`));
      });
      scenario.committedAtRevocation = binder.broker.committedOffset('g', 'jobs', 1);
    };
    const input = InputDestination.of(binder);
    for (let n = 0; n < 3; n++) input.send({ n }, { destination: 'jobs', partition: 1 });
    await app.start();
    try {
      await waitFor(() => newcomer.length === 2);
      expect(scenario.committedAtRevocation).toBe(1);
      expect(scenario.handled).toEqual(['1:0']);
      expect(newcomer).toEqual(['1:1', '1:2']);
    } finally {
      await app.close();
      await binder.close();
    }
  });
});

class FailingOnce {
  attempts = 0;
}

@EnableBinding(Sink)
class AlwaysFails {
  constructor(private readonly state: FailingOnce) {}
  @StreamListener(Sink.INPUT)
  handle(): void {
    this.state.attempts++;
    throw new Error('downstream unavailable');
  }
}

describe('revocation during backoff', () => {
  it('stops retrying a record whose partition moved to another member, leaving it uncommitted for the new owner', async () => {
    const binder = new TestBinder();
    await binder.provisionTopic('jobs', 2);
    const state = new FailingOnce();
    const newcomer: number[] = [];
    let joined = false;
    const clock = {
      now: () => 0,
      sleep: async () => {
        if (joined) return;
        joined = true;
        await binder.bindConsumer('jobs', { group: 'g' }, async (batch) => void newcomer.push(...batch.records.map((r) => r.offset)));
      },
    };
    const app = await Bindery.create({
      services: [AlwaysFails, { provide: FailingOnce, useValue: state }],
      binder,
      clock,
      config: { bindings: { input: { destination: 'jobs', group: 'g', consumer: { maxAttempts: 10 } } } },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    InputDestination.of(binder).send({ n: 1 }, { destination: 'jobs', partition: 1 });
    await app.start();
    try {
      await waitFor(() => newcomer.length === 1);
      expect(state.attempts).toBe(1);
      expect(newcomer).toEqual([0]);
      expect(binder.broker.committedOffset('g', 'jobs', 1)).toBeUndefined();
    } finally {
      await app.close();
      await binder.close();
    }
  });
});
