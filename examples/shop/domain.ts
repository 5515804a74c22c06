/** The shop's messages and the plain domain services the message handlers delegate to. */

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface OrderPlaced {
  orderId: string;
  customer: string;
  lines: OrderLine[];
  total: number;
  card: string;
}

export interface StockResult {
  orderId: string;
  reserved: boolean;
  reason?: string;
}

export interface PaymentResult {
  orderId: string;
  captured: boolean;
  reason?: string;
}

export interface ShipmentEvent {
  orderId: string;
  customer: string;
  shipped: boolean;
  trackingCode?: string;
  reason?: string;
}

/** Message types travel in this header, so listeners can pick by condition. */
export const TYPE_HEADER = 'type';

/** Warehouse stock, decremented as orders are reserved. */
export class Stock {
  private readonly onHand = new Map<string, number>([
    ['kettle', 5],
    ['teapot', 3],
    ['mug', 40],
    ['cup', 40],
  ]);

  reserve(lines: OrderLine[]): StockResult['reason'] | undefined {
    const missing = lines.find((l) => (this.onHand.get(l.sku) ?? 0) < l.quantity);
    if (missing) return `${missing.sku} out of stock`;
    for (const l of lines) this.onHand.set(l.sku, (this.onHand.get(l.sku) ?? 0) - l.quantity);
    return undefined;
  }

  release(lines: OrderLine[]): void {
    for (const l of lines) this.onHand.set(l.sku, (this.onHand.get(l.sku) ?? 0) + l.quantity);
  }
}

/** Thrown by the card gateway for a temporary outage: the listener container retries it. */
export class GatewayTimeout extends Error {}
/** A card the bank refuses: retrying does not help. */
export class CardDeclined extends Error {}

/** A card gateway that times out on the first try for some cards and declines others. */
export class CardGateway {
  private readonly attempts = new Map<string, number>();

  charge(orderId: string, card: string, amount: number): string {
    const attempt = (this.attempts.get(orderId) ?? 0) + 1;
    this.attempts.set(orderId, attempt);
    if (card.startsWith('0000')) throw new CardDeclined(`card ending ${card.slice(-4)} declined`);
    if (card.startsWith('4111') && attempt === 1) throw new GatewayTimeout('gateway timed out');
    return `ch_${orderId}_${Math.round(amount * 100)}`;
  }
}

/** Captured payments. */
export class Ledger {
  readonly charges = new Map<string, string>();
  record(orderId: string, chargeId: string): void {
    this.charges.set(orderId, chargeId);
  }
}

/** Hands out tracking codes. */
export class Carrier {
  private next = 1000;
  book(orderId: string): string {
    return `TRK-${this.next++}-${orderId}`;
  }
}

/** Where customer notifications end up (an outbox a mail sender would drain). */
export class Outbox {
  readonly sent: Array<{ to: string; orderId: string; text: string }> = [];
  send(to: string, orderId: string, text: string): void {
    this.sent.push({ to, orderId, text });
  }
}
