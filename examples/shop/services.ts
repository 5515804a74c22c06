/**
 * The shop's five services, each defined once: its message handler and the domain objects it uses.
 * `createShop` (app.ts) runs all of them in one application; `npm run shop` runs each in its own
 * process (examples/shopService.ts), talking through Kafka topics only.
 */
import type { Bindery, BindingConfig } from '../../src';
import { Activity } from './activity';
import { Carrier, CardGateway, Ledger, Outbox, Stock } from './domain';
import { InventoryService } from './inventory';
import { NotificationService } from './notifications';
import { OrderService } from './orders';
import { PaymentService } from './payments';
import { ShippingService } from './shipping';

export const SHOP_SERVICE_NAMES = ['orders', 'inventory', 'payments', 'shipping', 'notifications'] as const;

export type ShopServiceName = (typeof SHOP_SERVICE_NAMES)[number];

export const SHOP_SERVICE_CLASSES: Record<ShopServiceName, Function[]> = {
  orders: [OrderService],
  inventory: [InventoryService, Stock],
  payments: [PaymentService, CardGateway, Ledger],
  shipping: [ShippingService, Carrier],
  notifications: [NotificationService, Outbox],
};

/** Each service's bindings: topics and groups (BINDERY_* variables and bindery.config.* override any of it). */
export const SHOP_SERVICE_BINDINGS: Record<ShopServiceName, Record<string, BindingConfig>> = {
  orders: { 'orders-out': { destination: 'orders' } },
  inventory: {
    'inventory-in': { destination: 'orders', group: 'inventory' },
    'inventory-out': { destination: 'inventory-events' },
  },
  payments: { payments: { consumer: { maxAttempts: 3, backOffInitialInterval: 100, backOffMaxInterval: 1000 } } },
  shipping: { shipments: { destination: 'shipments' } },
  notifications: { input: { destination: 'shipments', group: 'notifications' } },
};

/** The shop's topics, each made with this many partitions (the bindings' default partitionCount). */
export const SHOP_TOPICS = ['orders', 'inventory-events', 'payment-events', 'shipments'] as const;
export const SHOP_PARTITIONS = 3;

/**
 * What a service's own process does when asked to stop, before it closes. Shipping joins each order's
 * stock and payment results in memory: it stops its listener (committing what it processed) and
 * hands the halves still waiting back to their topics, where the next shipping process finds them.
 */
export const SHOP_SERVICE_BEFORE_STOP: Partial<Record<ShopServiceName, (app: Bindery) => Promise<void>>> = {
  shipping: async (app) => {
    await app.stopBinding('shipping');
    for (const half of app.get(ShippingService).takePending()) {
      await app.send(half.topic, half.result, { key: half.orderId });
      app.get(Activity).record('shipping', half.orderId, `handed back to ${half.topic}`);
    }
  },
};

export function isShopServiceName(name: string): name is ShopServiceName {
  return (SHOP_SERVICE_NAMES as readonly string[]).includes(name);
}
