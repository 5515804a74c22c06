import {
  Bindery,
  EnableBinding,
  Header,
  InputDestination,
  OutputDestination,
  Payload,
  Processor,
  SendTo,
  Sink,
  StreamListener,
  silentLogger,
} from '../../../src';

interface Order {
  id: string;
  amount: number;
}

class Ledger {
  readonly charged: Array<{ order: Order; key: string }> = [];
  charge(order: Order, key: string): void {
    this.charged.push({ order, key });
  }
}

@EnableBinding(Sink)
class Payments {
  constructor(private readonly ledger: Ledger) {}

  @StreamListener(Sink.INPUT)
  onOrder(@Payload() order: Order, @Header('kafka_receivedMessageKey') key: string): void {
    this.ledger.charge(order, key);
  }
}

@EnableBinding(Processor)
class Doubler {
  @StreamListener(Processor.INPUT)
  @SendTo(Processor.OUTPUT)
  double(value: { n: number }): { n: number } {
    return { n: value.n * 2 };
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('decorated services on the test binder', () => {
  it('delivers a keyed order to the injected service', async () => {
    const app = await Bindery.create({
      services: [Payments, Ledger],
      config: { binder: 'test', bindings: { input: { destination: 'orders', group: 'payments' } } },
      configFile: false,
      env: {},
      logger: silentLogger,
    });
    await app.start();
    try {
      InputDestination.of(app).send({ id: 'o-1', amount: 12 }, { key: 'o-1' });
      const ledger = app.get(Ledger);
      await waitFor(() => ledger.charged.length === 1);
      expect(ledger.charged[0]).toEqual({ order: { id: 'o-1', amount: 12 }, key: 'o-1' });
    } finally {
      await app.close();
    }
  });

  it('forwards a processor return value to the output binding with the incoming key', async () => {
    const app = await Bindery.create({
      services: [Doubler],
      config: { binder: 'test', bindings: { input: { destination: 'numbers' }, output: { destination: 'doubled' } } },
      configFile: false,
      env: {},
      logger: silentLogger,
    });
    await app.start();
    try {
      InputDestination.of(app).send({ n: 21 }, { key: 'k' });
      const message = await OutputDestination.of(app).receive(10000, 'doubled');
      expect(message?.payload()).toEqual({ n: 42 });
      expect(message?.keyText).toBe('k');
      expect(message?.headers['content-type']).toBe('application/json');
      expect(message?.headers['message-id']).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await app.close();
    }
  });
});
