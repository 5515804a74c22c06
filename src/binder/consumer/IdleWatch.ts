/**
 * The idle event of a consumer member (Spring's ListenerContainerIdleEvent): when the member handed
 * nothing to its handler for `intervalMs`, `onIdle` hears of it, and again after each further
 * interval of silence. One timer, rescheduled lazily: a delivery only notes the time.
 */
import type { ConsumerIdleEvent, TopicPartition } from '../Binder';

export class IdleWatch {
  private lastDelivery = Date.now();
  private lastEvent = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onIdle: (event: ConsumerIdleEvent) => void,
    private readonly partitions: () => TopicPartition[],
    private readonly reportError: (message: string, error: unknown) => void,
  ) {}

  start(): void {
    this.lastDelivery = Date.now();
    this.schedule(this.intervalMs);
  }

  delivered(): void {
    this.lastDelivery = Date.now();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.check(), Math.max(1, ms));
  }

  private check(): void {
    const now = Date.now();
    const since = Math.max(this.lastDelivery, this.lastEvent);
    if (now - since >= this.intervalMs) {
      this.lastEvent = now;
      try {
        this.onIdle({ partitions: this.partitions(), idleMs: now - this.lastDelivery });
      } catch (error) {
        this.reportError('onIdle failed', error);
      }
      this.schedule(this.intervalMs);
    } else {
      this.schedule(since + this.intervalMs - now);
    }
  }
}
