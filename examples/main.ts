/**
 * The shop demo: orders → inventory and payments → shipping → notifications, on the binder the
 * configuration names (native by default; BINDERY_BINDER=test runs it in memory). Exits 0 once
 * every demo order has been notified; `--forever` keeps serving and places an order every 2 s.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasBinder, silentLogger } from '../src';
import { createShop, demoOrders } from './shop/app';

const SERVICES = ['orders', 'inventory', 'payments', 'shipping', 'notifications'];
const DEADLINE_MS = 60000;

async function main(): Promise<number> {
  const forever = process.argv.includes('--forever');
  const verbose = process.argv.includes('--verbose');
  // A fresh data directory per run (the native binder's log), removed on exit.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-shop-'));
  process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const binder = hasBinder('native') ? 'native' : 'test';
  const shop = await createShop(binder, { shutdownOnSignals: false }, verbose ? undefined : silentLogger, { dataDir });
  const started = Date.now();
  const elapsed = (): string => `${String(Date.now() - started).padStart(5)} ms`;
  shop.activity.onRecord((line) => console.log(`${elapsed()}  ${line}`));
  console.log(`bindery shop demo on the '${shop.app.binder.name}' binder`);
  console.log(
    'Five services talk only through topics: orders → inventory and payments → shipping → notifications.\n' +
      'Each line is one message handled: time since start, the service, the order (the message key, so each\n' +
      "order's messages stay in order on one partition) and what the service did. Payments' gateway times out\n" +
      'now and then: watch the listener container retry with backoff; o-107 is cancelled, o-110 is out of stock.\n',
  );
  await shop.app.start();

  const orders = demoOrders();
  for (const order of orders) await shop.orders.place(order);
  await shop.orders.cancel('o-107');

  const deadline = Date.now() + DEADLINE_MS;
  while (shop.outbox.sent.length < orders.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const done = shop.outbox.sent.length >= orders.length;
  console.log('\nhandled per service: ' + SERVICES.map((s) => `${s} ${shop.activity.count(s)}`).join(' · '));
  console.log(
    done
      ? `all ${orders.length} orders through in ${Date.now() - started} ms (${shop.outbox.sent.filter((m) => m.text.includes('on its way')).length} shipped)`
      : `only ${shop.outbox.sent.length} of ${orders.length} orders were through after ${DEADLINE_MS} ms`,
  );
  if (!forever || !done) {
    await shop.app.close();
    return done ? 0 : 1;
  }

  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let next = 200;
  const timer = setInterval(() => {
    const n = next++;
    void shop.orders.place({ orderId: `o-${n}`, customer: `customer-${n}`, lines: [{ sku: 'mug', quantity: 1 }], total: 9, card: '5500000000000004' });
  }, 2000);
  console.log('\n--forever: serving; a new order every 2 s. Ctrl-C stops gracefully.');
  await stopped;
  clearInterval(timer);
  await shop.app.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
