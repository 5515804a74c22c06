/**
 * The shop's five services, each defined once: its message handler and the domain objects it uses.
 * `createShop` (app.ts) runs all of them in one application; `npm run shop` runs each in its own
 * process (examples/shopService.ts), talking through Kafka topics only.
 */
import type { BindingConfig } from '../../src';
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

export function isShopServiceName(name: string): name is ShopServiceName {
  return (SHOP_SERVICE_NAMES as readonly string[]).includes(name);
}
