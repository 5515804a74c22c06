/** Orders: takes orders from customers and publishes them, keyed by order id so each order's messages stay in order. */
import { EnableBinding, Output, type MessageChannel, type SendResult } from '../../src';
import { Activity } from './activity';
import { TYPE_HEADER, type OrderPlaced } from './domain';

/** The orders service's binding interface: one output. */
export class OrderBindings {
  static readonly ORDERS = 'orders-out';
  @Output(OrderBindings.ORDERS) readonly orders!: MessageChannel;
}

@EnableBinding(OrderBindings)
export class OrderService {
  constructor(
    private readonly bindings: OrderBindings,
    private readonly activity: Activity,
  ) {}

  place(order: OrderPlaced): Promise<SendResult> {
    this.activity.record('orders', order.orderId, 'placed');
    return this.bindings.orders.send(order, { key: order.orderId, headers: { [TYPE_HEADER]: 'order-placed' } });
  }

  cancel(orderId: string): Promise<SendResult> {
    this.activity.record('orders', orderId, 'cancel requested');
    return this.bindings.orders.send({ orderId }, { key: orderId, headers: { [TYPE_HEADER]: 'order-cancelled' } });
  }
}
