/** Wires the shop's five services into one application (`npm run shop` runs each in its own process). */
import { Bindery, type BinderyConfig, type BinderyOptions, type Logger } from '../../src';
import { Activity } from './activity';
import { Outbox, type OrderPlaced } from './domain';
import { OrderService } from './orders';
import { SHOP_PARTITIONS, SHOP_SERVICE_BINDINGS, SHOP_SERVICE_CLASSES, SHOP_SERVICE_NAMES, type ShopServiceName } from './services';

/** Every service's classes, and the activity log they share. */
export const SHOP_SERVICES = [...SHOP_SERVICE_NAMES.flatMap((name) => SHOP_SERVICE_CLASSES[name]), Activity];

/** The binder and the bindings of `services` (all five by default). */
export function shopConfig(
  binder: string,
  binderProperties: Record<string, unknown> = {},
  services: readonly ShopServiceName[] = SHOP_SERVICE_NAMES,
): BinderyConfig {
  return {
    binder,
    binders: { [binder]: binderProperties },
    default: { producer: { partitionCount: SHOP_PARTITIONS }, consumer: { partitionCount: SHOP_PARTITIONS } },
    bindings: Object.assign({}, ...services.map((name) => SHOP_SERVICE_BINDINGS[name])),
  };
}

export interface Shop {
  app: Bindery;
  orders: OrderService;
  activity: Activity;
  outbox: Outbox;
}

export async function createShop(
  binder: string,
  options: Partial<BinderyOptions> = {},
  logger?: Logger,
  binderProperties: Record<string, unknown> = {},
): Promise<Shop> {
  const app = await Bindery.create({ services: SHOP_SERVICES, config: shopConfig(binder, binderProperties), logger, ...options });
  return { app, orders: app.get(OrderService), activity: app.get(Activity), outbox: app.get(Outbox) };
}

/** One of the shop's services alone, as its own process runs it; its activity log shows what it handled. */
export async function createShopService(
  service: ShopServiceName,
  binder: string,
  options: Partial<BinderyOptions> = {},
  logger?: Logger,
  binderProperties: Record<string, unknown> = {},
): Promise<{ app: Bindery; activity: Activity }> {
  const services = [...SHOP_SERVICE_CLASSES[service], Activity];
  const app = await Bindery.create({ services, config: shopConfig(binder, binderProperties, [service]), logger, ...options });
  return { app, activity: app.get(Activity) };
}

/** The demo's orders: most ship; o-104 waits out a gateway timeout; o-107's card is declined; o-110 wants more teapots than exist. */
export function demoOrders(): OrderPlaced[] {
  const order = (n: number, lines: OrderPlaced['lines'], total: number, card = '5500000000000004'): OrderPlaced => ({
    orderId: `o-${n}`,
    customer: `customer-${n}`,
    lines,
    total,
    card,
  });
  return [
    order(101, [{ sku: 'mug', quantity: 2 }], 18),
    order(102, [{ sku: 'kettle', quantity: 1 }], 49.5),
    order(103, [{ sku: 'cup', quantity: 6 }, { sku: 'mug', quantity: 1 }], 33),
    order(104, [{ sku: 'kettle', quantity: 1 }], 49.5, '4111111111111111'),
    order(105, [{ sku: 'teapot', quantity: 1 }], 25),
    order(106, [{ sku: 'mug', quantity: 4 }], 36),
    order(107, [{ sku: 'cup', quantity: 2 }], 11, '0000000000000002'),
    order(108, [{ sku: 'kettle', quantity: 2 }], 99),
    order(109, [{ sku: 'mug', quantity: 1 }, { sku: 'cup', quantity: 1 }], 14.5, '4111111111111111'),
    order(110, [{ sku: 'teapot', quantity: 4 }], 100),
    order(111, [{ sku: 'cup', quantity: 3 }], 16.5),
    order(112, [{ sku: 'kettle', quantity: 1 }], 49.5),
  ];
}
