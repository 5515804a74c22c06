/** Wires the shop's five services into one application (in production each would run in its own process). */
import { Bindery, type BinderyConfig, type BinderyOptions, type Logger } from '../../src';
import { Activity } from './activity';
import { Carrier, CardGateway, Ledger, Outbox, Stock, type OrderPlaced } from './domain';
import { InventoryService } from './inventory';
import { NotificationService } from './notifications';
import { OrderService } from './orders';
import { PaymentService } from './payments';
import { ShippingService } from './shipping';

export const SHOP_SERVICES = [
  OrderService,
  InventoryService,
  PaymentService,
  ShippingService,
  NotificationService,
  Activity,
  Stock,
  CardGateway,
  Ledger,
  Carrier,
  Outbox,
];

/** Topics and groups; BINDERY_* variables and bindery.config.* override any of it. */
export function shopConfig(binder: string, binderProperties: Record<string, unknown> = {}): BinderyConfig {
  return {
    binder,
    binders: { [binder]: binderProperties },
    default: { producer: { partitionCount: 3 }, consumer: { partitionCount: 3 } },
    bindings: {
      'orders-out': { destination: 'orders' },
      'inventory-in': { destination: 'orders', group: 'inventory' },
      'inventory-out': { destination: 'inventory-events' },
      payments: { consumer: { maxAttempts: 3, backOffInitialInterval: 100, backOffMaxInterval: 1000 } },
      shipments: { destination: 'shipments' },
      input: { destination: 'shipments', group: 'notifications' },
    },
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
