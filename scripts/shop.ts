/**
 * `npm run shop`: the shop's five services as five processes on the kafka binder.
 *   npm run shop [-- --kafka host:port] [--restart <service>] [--timeout-ms N] [--verbose]
 * Without --kafka it starts `bindery broker` (in memory) on a free loopback port first. Each
 * process's output is printed behind its name. Exits 0 once every demo order has reached
 * notifications, 1 (saying which orders are missing) if they are not through within the timeout.
 * --restart stops that service with SIGTERM as soon as it has handled its first order and starts it
 * again (restartMidRun).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { demoOrders } from '../examples/shop/app';
import { isShopServiceName, SHOP_SERVICE_NAMES, type ShopServiceName } from '../examples/shop/services';
import { NamedProcess } from './shop/NamedProcess';
import { provisionShopTopics } from './shop/topics';

const DIST = path.resolve(__dirname, '..');
const BINDERY_BIN = path.resolve(DIST, '..', 'bin', 'bindery.js');
const SERVICE_MAIN = path.join(DIST, 'examples', 'shopService.js');
const DEFAULT_TIMEOUT_MS = 120000;
const START_TIMEOUT_MS = 30000;
const STOP_GRACE_MS = 15000;
/** Orders placed before the restarted service is stopped; the rest are placed while it is down. */
const PLACED_BEFORE_RESTART = 6;
const PREFIX_WIDTH = Math.max('broker'.length, ...SHOP_SERVICE_NAMES.map((n) => n.length));

class ShopUsageError extends Error {}

interface ShopOptions {
  kafka?: string;
  restart?: ShopServiceName;
  timeoutMs: number;
  verbose: boolean;
}

function options(argv: string[]): ShopOptions {
  const { values } = parseArgs({
    args: argv,
    options: { kafka: { type: 'string' }, restart: { type: 'string' }, 'timeout-ms': { type: 'string' }, verbose: { type: 'boolean' } },
  });
  const restart = values.restart;
  if (restart !== undefined && !isShopServiceName(restart)) {
    throw new ShopUsageError(`--restart ${restart}: no such service. Choose one of ${SHOP_SERVICE_NAMES.join(', ')}.`);
  }
  const timeoutMs = values['timeout-ms'] === undefined ? DEFAULT_TIMEOUT_MS : Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ShopUsageError(`--timeout-ms must be a positive whole number, got ${values['timeout-ms']}`);
  return { kafka: values.kafka, restart, timeoutMs, verbose: values.verbose === true };
}

const print = (line: string): void => console.log(line);

async function startBroker(): Promise<{ broker: NamedProcess; address: string }> {
  const broker = new NamedProcess('broker', [BINDERY_BIN, 'broker', '--memory', '--host', '127.0.0.1', '--port', '0'], PREFIX_WIDTH, print);
  const address = await broker.waitForLine((line) => /listening on (\S+:\d+)/.exec(line)?.[1], START_TIMEOUT_MS, "its 'listening on' line");
  return { broker, address };
}

function startService(name: ShopServiceName, kafka: string, extra: string[], verbose: boolean): NamedProcess {
  return new NamedProcess(name, [SERVICE_MAIN, name, '--kafka', kafka, ...extra, ...(verbose ? ['--verbose'] : [])], PREFIX_WIDTH, print);
}

async function runShop(opts: ShopOptions): Promise<number> {
  const started = Date.now();
  const expected = demoOrders().map((o) => o.orderId);
  const notified = new Set<string>();
  const running = new Map<ShopServiceName, NamedProcess>();
  let broker: NamedProcess | undefined;
  let failure: string | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const watch = (service: ShopServiceName, proc: NamedProcess): void => {
    running.set(service, proc);
    if (service === 'notifications') {
      proc.onLine((line) => {
        const order = /^notifications\s+(o-\d+)\s/.exec(line)?.[1];
        if (order) notified.add(order);
        if (notified.size >= expected.length) finish();
      });
    }
    void proc.exited.then((code) => {
      if (proc.stopRequested || running.get(service) !== proc) return;
      failure = `${service} exited with code ${code} before the orders were through`;
      finish();
    });
  };

  const timer = setTimeout(finish, opts.timeoutMs);
  const interrupted = (signal: NodeJS.Signals): void => {
    failure = `stopped by ${signal}`;
    finish();
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    let kafka = opts.kafka;
    if (kafka === undefined) {
      const started = await startBroker();
      broker = started.broker;
      kafka = started.address;
    }
    await provisionShopTopics(kafka);
    print(`shop: five service processes on the kafka binder, brokers ${kafka}${opts.restart ? `; ${opts.restart} is restarted mid-run` : ''}`);
    for (const service of SHOP_SERVICE_NAMES) {
      const extra = service === 'orders' && opts.restart ? ['--hold-after', String(PLACED_BEFORE_RESTART)] : [];
      watch(service, startService(service, kafka, extra, opts.verbose));
    }
    if (opts.restart) void restartMidRun(opts.restart, kafka, opts.verbose, running, watch).catch((error: Error) => {
      failure = error.message;
      finish();
    });

    await finished;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failure === undefined && notified.size < expected.length) {
      const missing = expected.filter((id) => !notified.has(id));
      failure = `only ${notified.size} of ${expected.length} orders were through after ${opts.timeoutMs} ms; missing: ${missing.join(', ')}`;
    }
    print(failure === undefined ? `shop: all ${expected.length} orders through in ${seconds} s` : `shop: FAILED: ${failure}`);
    return failure === undefined ? 0 : 1;
  } finally {
    clearTimeout(timer);
    await Promise.all([...running.values()].map((proc) => proc.stop(STOP_GRACE_MS)));
    await broker?.stop(STOP_GRACE_MS);
  }
}

/**
 * Stops `service` with SIGTERM once it has handled an order and starts it again. A consuming service
 * is stopped while the orders service holds the rest of the orders, which it places while that
 * service is down; a new orders process places the orders the stopped one had not.
 */
async function restartMidRun(
  service: ShopServiceName,
  kafka: string,
  verbose: boolean,
  running: Map<ShopServiceName, NamedProcess>,
  watch: (service: ShopServiceName, proc: NamedProcess) => void,
): Promise<void> {
  const first = running.get(service);
  const orders = running.get('orders');
  if (!first || !orders) throw new Error(`shop: ${service} or orders is not running`);
  let placed = 0;
  orders.onLine((line) => void (/^orders\s+o-\d+\s+placed$/.test(line) && placed++));
  const handled = new RegExp(`^${service}\\s+o-\\d+\\s`);
  await first.waitForLine((line) => (handled.test(line) ? true : undefined), START_TIMEOUT_MS * 2, 'order handled');
  print(`shop: stopping ${service} (pid ${first.pid}) with SIGTERM mid-run`);
  const code = await first.stop(STOP_GRACE_MS);
  if (code !== 0) throw new Error(`${service} exited with code ${code} on SIGTERM (a graceful stop exits 0)`);
  if (service === 'orders') {
    print(`shop: orders stopped after placing ${placed}; a new orders process places the rest`);
    print(`shop: starting ${service} again`);
    watch(service, startService(service, kafka, ['--skip', String(placed)], verbose));
    return;
  }
  print(`shop: ${service} stopped; the other orders are placed while it is down`);
  orders.writeLine('continue');
  print(`shop: starting ${service} again`);
  watch(service, startService(service, kafka, [], verbose));
}

try {
  void runShop(options(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`shop: ${error.message}`);
      process.exit(1);
    },
  );
} catch (error) {
  console.error(`shop: ${(error as Error).message}`);
  process.exit(error instanceof ShopUsageError ? 2 : 1);
}
