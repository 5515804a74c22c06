/**
 * Shipping (@KafkaListener on two topics): waits until an order has both its stock and its
 * payment, then books a carrier; a failed side cancels the order.
 */
import { Injectable, KafkaListener, Output, RecordContext, type MessageChannel } from '../../src';
import { Activity } from './activity';
import { Carrier, TYPE_HEADER, type PaymentResult, type ShipmentEvent, type StockResult } from './domain';

interface Pending {
  stock?: StockResult;
  payment?: PaymentResult;
}

@Injectable()
export class ShippingService {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly carrier: Carrier,
    private readonly activity: Activity,
    @Output('shipments') private readonly shipments: MessageChannel,
  ) {}

  @KafkaListener({ id: 'shipping', topics: ['inventory-events', 'payment-events'], groupId: 'shipping' })
  async onResult(result: StockResult | PaymentResult, context: RecordContext): Promise<void> {
    const state = this.pending.get(result.orderId) ?? {};
    if (context.topic === 'inventory-events') state.stock = result as StockResult;
    else state.payment = result as PaymentResult;
    this.pending.set(result.orderId, state);
    if (!state.stock || !state.payment) return;
    this.pending.delete(result.orderId);
    const customer = await this.customerOf(result.orderId);
    if (state.stock.reserved && state.payment.captured) {
      const trackingCode = this.carrier.book(result.orderId);
      this.activity.record('shipping', result.orderId, `booked ${trackingCode}`);
      await this.publish({ orderId: result.orderId, customer, shipped: true, trackingCode });
    } else {
      const reason = state.stock.reason ?? state.payment.reason ?? 'unknown';
      this.activity.record('shipping', result.orderId, `not shipped: ${reason}`);
      await this.publish({ orderId: result.orderId, customer, shipped: false, reason });
    }
  }

  /**
   * The orders waiting for their other half, taken out: a shipping process stopping hands each half back
   * to its topic (shopService.ts), so that the process taking over joins it with the other.
   */
  takePending(): Array<{ topic: string; orderId: string; result: StockResult | PaymentResult }> {
    const halves = [...this.pending].flatMap(([orderId, state]) => [
      ...(state.stock ? [{ topic: 'inventory-events', orderId, result: state.stock }] : []),
      ...(state.payment ? [{ topic: 'payment-events', orderId, result: state.payment }] : []),
    ]);
    this.pending.clear();
    return halves;
  }

  private publish(event: ShipmentEvent): Promise<unknown> {
    return this.shipments.send(event, { key: event.orderId, headers: { [TYPE_HEADER]: event.shipped ? 'shipped' : 'not-shipped' } });
  }

  /** A real service would look the customer up; the demo derives it from the order id. */
  private async customerOf(orderId: string): Promise<string> {
    return `customer-${orderId.replace(/\D/g, '') || '0'}@example.com`;
  }
}
