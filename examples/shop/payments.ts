/**
 * Payments (@KafkaListener): charges the card of each placed order. Gateway timeouts are retried
 * with backoff by the listener container; declined cards are not retryable and yield a
 * "not captured" result.
 */
import { Header, Injectable, KafkaListener, Payload, RecordContext, SendTo } from '../../src';
import { Activity } from './activity';
import { CardDeclined, CardGateway, Ledger, type OrderPlaced, type PaymentResult } from './domain';

@Injectable()
export class PaymentService {
  constructor(
    private readonly gateway: CardGateway,
    private readonly ledger: Ledger,
    private readonly activity: Activity,
  ) {}

  @KafkaListener({ id: 'payments', topics: 'orders', groupId: 'payments' })
  @SendTo('payment-events')
  charge(@Payload() order: OrderPlaced, @Header('type') type: string, context: RecordContext): PaymentResult | undefined {
    if (type !== 'order-placed') return undefined;
    try {
      const chargeId = this.gateway.charge(order.orderId, order.card, order.total);
      this.ledger.record(order.orderId, chargeId);
      this.activity.record('payments', order.orderId, `captured ${order.total.toFixed(2)} (attempt ${context.attempt})`);
      return { orderId: order.orderId, captured: true };
    } catch (error) {
      if (!(error instanceof CardDeclined)) {
        this.activity.record('payments', order.orderId, `${(error as Error).message}, will retry`);
        throw error;
      }
      this.activity.record('payments', order.orderId, 'card declined');
      return { orderId: order.orderId, captured: false, reason: error.message };
    }
  }
}
