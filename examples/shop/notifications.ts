/** Notifications (@EnableBinding(Sink)): tells customers what happened to their order. */
import { EnableBinding, Headers, Payload, Sink, StreamListener } from '../../src';
import { Activity } from './activity';
import { Outbox, type ShipmentEvent } from './domain';

@EnableBinding(Sink)
export class NotificationService {
  constructor(
    private readonly outbox: Outbox,
    private readonly activity: Activity,
  ) {}

  @StreamListener(Sink.INPUT)
  notify(@Payload() event: ShipmentEvent, @Headers() headers: Record<string, string>): void {
    const text = event.shipped
      ? `Your order ${event.orderId} is on its way (${event.trackingCode}).`
      : `Sorry, we could not ship order ${event.orderId}: ${event.reason}.`;
    this.outbox.send(event.customer, event.orderId, text);
    this.activity.record('notifications', event.orderId, `${headers.type} → ${event.customer}`);
  }
}
