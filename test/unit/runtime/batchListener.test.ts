import { Bindery, Injectable, InputDestination, KafkaListener, OutputDestination, SendTo, TestBinder, silentLogger } from '../../../src';
import { RecordingClock, waitFor } from '../../integration/framework/support';

class Seen {
  calls = 0;
  fail = false;
}

@Injectable()
class Totals {
  constructor(private readonly seen: Seen) {}

  @KafkaListener({ id: 'totals', topics: 'amounts', groupId: 'totals', batch: true, properties: { enableDlq: true, maxAttempts: 2 } })
  @SendTo('sums')
  sum(amounts: number[]): number {
    this.seen.calls++;
    if (this.seen.fail) throw new Error('ledger offline');
    return amounts.reduce((a, b) => a + b, 0);
  }
}

async function start(fail: boolean) {
  const binder = new TestBinder();
  const seen = new Seen();
  seen.fail = fail;
  const input = InputDestination.of(binder);
  for (const n of [1, 2, 3]) input.send(n, { destination: 'amounts' });
  const app = await Bindery.create({
    services: [Totals, { provide: Seen, useValue: seen }],
    binder,
    clock: new RecordingClock(),
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
  });
  await app.start();
  return { app, binder, seen, output: OutputDestination.of(binder) };
}

describe('batch listeners', () => {
  it('get the waiting records as one array and forward the result', async () => {
    const t = await start(false);
    try {
      const sum = await t.output.receive(20000, 'sums');
      expect(sum?.payload()).toBe(6);
      await waitFor(() => t.binder.broker.committedOffset('totals', 'amounts', 0) === 3);
    } finally {
      await t.app.close();
    }
  });

  it('retry the whole batch and dead-letter every record of it when attempts run out', async () => {
    const t = await start(true);
    try {
      const dead = [];
      for (let i = 0; i < 3; i++) dead.push(await t.output.receive(20000, 'error.amounts.totals'));
      expect(dead.map((d) => d?.payload())).toEqual([1, 2, 3]);
      expect(dead.map((d) => d?.headers['x-original-offset'])).toEqual(['0', '1', '2']);
      expect(dead.every((d) => d?.headers['x-attempts'] === '2')).toBe(true);
      expect(t.seen.calls).toBe(2);
      await waitFor(() => t.binder.broker.committedOffset('totals', 'amounts', 0) === 3);
    } finally {
      await t.app.close();
    }
  });
});

describe('batch listeners with unreadable records', () => {
  it('dead-letter the unreadable record alone and hand the rest over as one batch', async () => {
    const binder = new TestBinder();
    const seen = new Seen();
    const input = InputDestination.of(binder);
    input.send(1, { destination: 'amounts' });
    input.send(Buffer.from('{oops'), { destination: 'amounts', headers: { 'content-type': 'application/json' } });
    input.send(3, { destination: 'amounts' });
    const app = await Bindery.create({
      services: [Totals, { provide: Seen, useValue: seen }],
      binder,
      clock: new RecordingClock(),
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    await app.start();
    const output = OutputDestination.of(binder);
    try {
      expect((await output.receive(20000, 'sums'))?.payload()).toBe(4);
      const dead = await output.receive(20000, 'error.amounts.totals');
      expect(dead?.headers['x-original-offset']).toBe('1');
      expect(dead?.value?.toString()).toBe('{oops');
      await waitFor(() => binder.broker.committedOffset('totals', 'amounts', 0) === 3);
    } finally {
      await app.close();
    }
  });
});
