/**
 * One of the shop's services as its own process, on the kafka binder:
 *   node dist/examples/shopService.js <orders|inventory|payments|shipping|notifications> --kafka host:port
 * Prints `ready` once its bindings are up and one line per message it handles (the activity log);
 * SIGTERM or SIGINT closes it gracefully (committed offsets, so a restarted process goes on where
 * this one stopped; shipping first hands back the orders it holds half-joined). The orders service
 * places the demo's orders; with `--hold-after N` it places the first N, then the rest once a line
 * `continue` arrives on its standard input (`npm run shop -- --restart` holds them while it
 * restarts a service); with `--skip N` it leaves out the first N (placed by an orders process before).
 */
import { once } from 'node:events';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { ConsoleLogger, type Logger } from '../src';
import { createShopService, demoOrders } from './shop/app';
import type { OrderPlaced } from './shop/domain';
import { OrderService } from './shop/orders';
import { isShopServiceName, SHOP_SERVICE_BEFORE_STOP, SHOP_SERVICE_NAMES } from './shop/services';

function loggerFor(verbose: boolean): Logger {
  return new ConsoleLogger(verbose ? 'info' : 'warn');
}

/**
 * The orders service's part of the demo: place the demo orders after the first `skip` (placed by an
 * orders process before this one), holding after `holdAfter`, then cancel o-107. A stop is honoured
 * between orders: each order it said it placed is sent.
 */
async function placeOrders(orders: OrderService, skip: number, holdAfter: number | undefined, stopped: Promise<unknown>): Promise<void> {
  let stopping = false;
  void stopped.then(() => (stopping = true));
  const demo = demoOrders();
  const held = Math.max(holdAfter ?? demo.length, skip);
  const place = async (batch: OrderPlaced[]): Promise<void> => {
    for (const order of batch) if (!stopping) await orders.place(order);
  };
  await place(demo.slice(skip, held));
  if (held < demo.length && !stopping) {
    console.log(`holding the other ${demo.length - held} orders until 'continue'`);
    const lines = readline.createInterface({ input: process.stdin });
    const continued = (async () => {
      for await (const line of lines) if (line.trim() === 'continue') return;
    })();
    await Promise.race([continued, stopped]);
    lines.close();
    await place(demo.slice(held));
  }
  if (!stopping) await orders.cancel('o-107');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { kafka: { type: 'string' }, 'hold-after': { type: 'string' }, skip: { type: 'string' }, verbose: { type: 'boolean' } },
  });
  const service = positionals[0] ?? '';
  if (!isShopServiceName(service) || values.kafka === undefined) {
    console.error(`usage: shopService.js <${SHOP_SERVICE_NAMES.join('|')}> --kafka host:port [--hold-after N] [--skip N] [--verbose]`);
    return 2;
  }
  const holdAfter = values['hold-after'] === undefined ? undefined : Number(values['hold-after']);
  const stopped = Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  const { app, activity } = await createShopService(service, 'kafka', { shutdownOnSignals: false }, loggerFor(values.verbose === true), {
    brokers: values.kafka,
  });
  activity.onRecord((line) => console.log(line));
  await app.start();
  console.log('ready');
  if (service === 'orders') await placeOrders(app.get(OrderService), Number(values.skip ?? 0), holdAfter, stopped);
  await stopped;
  await SHOP_SERVICE_BEFORE_STOP[service]?.(app);
  await app.close();
  console.log('closed');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
