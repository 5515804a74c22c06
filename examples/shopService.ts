/**
 * One of the shop's services as its own process, on the kafka binder:
 *   node dist/examples/shopService.js <orders|inventory|payments|shipping|notifications> --kafka host:port
 * Prints `ready` once its bindings are up and one line per message it handles (the activity log);
 * SIGTERM or SIGINT closes it gracefully (committed offsets, so a restarted process goes on where
 * this one stopped). The orders service places the demo's orders; with `--hold-after N` it places
 * the first N, then the rest once a line `continue` arrives on its standard input (`npm run shop
 * -- --restart` holds them while it restarts a service).
 */
import { once } from 'node:events';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import type { Logger } from '../src';
import { createShopService, demoOrders } from './shop/app';
import { OrderService } from './shop/orders';
import { isShopServiceName, SHOP_SERVICE_NAMES } from './shop/services';

function loggerFor(verbose: boolean): Logger {
  return {
    info: (message) => verbose && console.log(`[bindery] ${message}`),
    warn: (message) => console.warn(`[bindery] ${message}`),
    error: (message, error) => console.error(`[bindery] ${message}`, error instanceof Error ? error.message : (error ?? '')),
  };
}

/** The orders service's part of the demo: place every demo order (holding after `holdAfter`), then cancel o-107. */
async function placeOrders(orders: OrderService, holdAfter: number | undefined): Promise<void> {
  const demo = demoOrders();
  const held = holdAfter ?? demo.length;
  for (const order of demo.slice(0, held)) await orders.place(order);
  if (held < demo.length) {
    console.log(`holding the other ${demo.length - held} orders until 'continue'`);
    const lines = readline.createInterface({ input: process.stdin });
    for await (const line of lines) if (line.trim() === 'continue') break;
    lines.close();
    for (const order of demo.slice(held)) await orders.place(order);
  }
  await orders.cancel('o-107');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { kafka: { type: 'string' }, 'hold-after': { type: 'string' }, verbose: { type: 'boolean' } },
  });
  const service = positionals[0] ?? '';
  if (!isShopServiceName(service) || values.kafka === undefined) {
    console.error(`usage: shopService.js <${SHOP_SERVICE_NAMES.join('|')}> --kafka host:port [--hold-after N] [--verbose]`);
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
  if (service === 'orders') await placeOrders(app.get(OrderService), holdAfter);
  await stopped;
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
