/**
 * The shop examples end to end. The same test runs once per binder in the registry that needs no
 * outside peer (today 'test'; 'native' joins when present): switching binders is configuration only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { registeredBinders, silentLogger } from '../../../src';
import { createShop, demoOrders } from '../../../examples/shop/app';
import { waitFor } from '../framework/support';

const binders = registeredBinders().filter((name) => name !== 'kafka');

describe.each(binders)('shop examples on the %s binder', (binder) => {
  it('takes every demo order through to a notification, in per-order sequence', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-shop-test-'));
    // Binder settings are checked: only the native binder has a dataDir.
    const shop = await createShop(binder, { configFile: false, env: {}, shutdownOnSignals: false }, silentLogger, binder === 'native' ? { dataDir } : {});
    await shop.app.start();
    try {
      const orders = demoOrders();
      for (const order of orders) await shop.orders.place(order);
      await shop.orders.cancel('o-107');
      await waitFor(() => shop.outbox.sent.length === orders.length, 60000, 'all orders notified');

      const texts = new Map(shop.outbox.sent.map((m) => [m.orderId, m.text]));
      expect(texts.get('o-107')).toBe('Sorry, we could not ship order o-107: card ending 0002 declined.');
      expect(texts.get('o-110')).toBe('Sorry, we could not ship order o-110: teapot out of stock.');
      const shipped = [...texts.entries()].filter(([, text]) => text.includes('is on its way')).map(([id]) => id).sort();
      expect(shipped).toEqual(['o-101', 'o-102', 'o-103', 'o-104', 'o-105', 'o-106', 'o-108', 'o-109', 'o-111', 'o-112']);

      // The gateway timeout on o-104 was retried by the listener container, not lost.
      expect(shop.activity.timeline.get('o-104')).toEqual(
        expect.arrayContaining(['gateway timed out, will retry', 'captured 49.50 (attempt 2)']),
      );
      // Keyed messages keep their order: the cancellation reaches inventory after the reservation.
      const inventorySteps = shop.activity.log.filter((l) => l.startsWith('inventory') && l.includes('o-107'));
      expect(inventorySteps.map((l) => l.slice(21).trim())).toEqual(['stock reserved', 'stock released']);
      await waitFor(() => shop.activity.count('notifications') === orders.length, 20000, 'notification count');
    } finally {
      await shop.app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
