// The README's quick start, verbatim except for the import path ('bindery' in an application).
import { once } from 'node:events';
import { Bindery, EnableBinding, Header, Payload, Sink, StreamListener } from '../src';

interface Order {
  id: string;
  amount: number;
}

class Ledger {
  readonly charges = new EventTarget();
  total = 0;
  charge(order: Order): void {
    this.total += order.amount;
    this.charges.dispatchEvent(new Event('charged'));
  }
}

@EnableBinding(Sink)
class Payments {
  constructor(private readonly ledger: Ledger) {}

  @StreamListener(Sink.INPUT)
  onOrder(@Payload() order: Order, @Header('kafka_receivedMessageKey') key: string): void {
    this.ledger.charge(order);
    console.log(`charged ${order.amount} for order ${key}`);
  }
}

async function main(): Promise<void> {
  const app = await Bindery.create({
    services: [Payments, Ledger],
    config: { bindings: { input: { destination: 'orders', group: 'payments' } } },
  });
  await app.start();
  const charged = once(app.get(Ledger).charges, 'charged');
  const sent = await app.send('orders', { id: 'o-1', amount: 42 }, { key: 'o-1' });
  console.log(`sent to ${sent.topic}-${sent.partition} at offset ${sent.offset}`);
  await charged;
  console.log(`ledger total: ${app.get(Ledger).total}`);
  await app.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
