/**
 * Inventory (@EnableBinding / @StreamListener): reserves stock for placed orders and releases it
 * for cancelled ones; two listeners share the input binding, picked by the type header.
 */
import { EnableBinding, Header, Input, Output, Payload, SendTo, StreamListener, type InputChannel, type MessageChannel } from '../../src';
import { Activity } from './activity';
import { Stock, type OrderPlaced, type StockResult } from './domain';

export class InventoryBindings {
  static readonly ORDERS = 'inventory-in';
  static readonly EVENTS = 'inventory-out';
  @Input(InventoryBindings.ORDERS) readonly orders!: InputChannel;
  @Output(InventoryBindings.EVENTS) readonly events!: MessageChannel;
}

@EnableBinding(InventoryBindings)
export class InventoryService {
  private readonly reserved = new Map<string, OrderPlaced>();

  constructor(
    private readonly stock: Stock,
    private readonly activity: Activity,
  ) {}

  @StreamListener(InventoryBindings.ORDERS, { condition: "headers['type']=='order-placed'" })
  @SendTo(InventoryBindings.EVENTS)
  onOrderPlaced(@Payload() order: OrderPlaced, @Header('kafka_receivedMessageKey') key: string): StockResult {
    const problem = this.stock.reserve(order.lines);
    if (problem) {
      this.activity.record('inventory', key, problem);
      return { orderId: order.orderId, reserved: false, reason: problem };
    }
    this.reserved.set(order.orderId, order);
    this.activity.record('inventory', key, 'stock reserved');
    return { orderId: order.orderId, reserved: true };
  }

  @StreamListener(InventoryBindings.ORDERS, { condition: "headers['type']=='order-cancelled'" })
  onOrderCancelled(@Payload() cancel: { orderId: string }): void {
    const order = this.reserved.get(cancel.orderId);
    if (!order) return;
    this.reserved.delete(cancel.orderId);
    this.stock.release(order.lines);
    this.activity.record('inventory', cancel.orderId, 'stock released');
  }
}
