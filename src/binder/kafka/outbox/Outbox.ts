/**
 * The kafka binder's durable outbox. A send that fails because the cluster cannot be reached is
 * stored in the OutboxLog (fsync'd) and resolves as `stored`; a forwarder sends stored records, in
 * order, through the binding's idempotent producer once the cluster answers, and checkpoints what
 * was acknowledged after each forward.
 *
 * Order per key: while a key has records in the outbox, later sends of that key are stored behind
 * them instead of overtaking them, until the forwarder has delivered them all.
 */
import type { OutboundRecord, OutboxStatus, SendResult } from '../../Binder';
import type { BinderLogger } from '../../registry';
import { isConnectionFailure } from '../errors';
import type { OutboxLog } from './OutboxLog';

/** What the outbox needs from its binding: a connected producer and one produce request. */
export interface OutboxTransport {
  /** Connects the producer (and makes the topic) when that has not succeeded yet. */
  ready(): Promise<void>;
  send(records: OutboundRecord[]): Promise<void>;
}

export interface OutboxSettings {
  /** Backoff between forward attempts while the cluster is unreachable. */
  initialRetryMs: number;
  maxRetryMs: number;
  /** Bytes of stored records per forward request. */
  forwardBytes: number;
}


/** Partition -1, offset -1: a stored record gets its place in the topic when it is forwarded. */
export type OutboxSendResult = SendResult & { outcome: 'delivered' | 'stored' };

const NULL_KEY = '';

function keyOf(record: OutboundRecord): string {
  return record.key ? `k${record.key.toString('base64')}` : NULL_KEY;
}

export class Outbox {
  /** Stored, undelivered records per key: such keys are stored behind them. */
  private readonly pendingKeys = new Map<string, number>();
  private forwarding: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private wakeForwarder: (() => void) | null = null;
  private failures = 0;
  private unreachable = false;
  private closed = false;
  private readonly drainWaiters: Array<() => void> = [];

  constructor(
    private readonly store: OutboxLog,
    private readonly transport: OutboxTransport,
    private readonly settings: OutboxSettings,
    private readonly logger?: BinderLogger,
  ) {
    // after a restart: the keys of what is still stored keep their place in line
    for (let from = store.deliveredOffset; from < store.endOffset; ) {
      const stored = store.read(from, settings.forwardBytes);
      if (stored.length === 0) break;
      for (const s of stored) this.countKey(keyOf(s.record), 1);
      from = stored[stored.length - 1].offset + 1;
    }
    if (store.depth > 0) this.startForwarding();
  }

  status(): OutboxStatus {
    return { dataDir: this.store.dir, depth: this.store.depth, unreachable: this.unreachable };
  }

  get depth(): number {
    return this.store.depth;
  }

  /** Whether a record must queue behind stored records of its key (or the cluster is known to be unreachable). */
  mustStore(record: OutboundRecord): boolean {
    return this.unreachable || this.pendingKeys.has(keyOf(record));
  }

  /** Whether a failed send is one the outbox takes over (the cluster could not be reached). */
  takesOver(error: unknown): boolean {
    return isConnectionFailure(error);
  }

  /** Stores records durably (one fsync) and wakes the forwarder. */
  storeRecords(records: OutboundRecord[]): void {
    if (records.length === 0) return;
    this.store.append(records);
    for (const record of records) this.countKey(keyOf(record), 1);
    this.startForwarding();
  }

  /** Connects when needed; a connection failure makes the cluster count as unreachable. */
  async ready(): Promise<void> {
    await this.transport.ready();
  }

  /** Marks the cluster unreachable after a direct send failed: later records go straight to the outbox until a forward succeeds. */
  markUnreachable(): void {
    this.unreachable = true;
  }

  /** Resolves when nothing is left in the outbox. */
  drained(): Promise<void> {
    if (this.store.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Stops forwarding (an in-flight forward finishes) and closes the store; what is stored stays for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wakeForwarder?.();
    await this.forwarding;
    this.store.close();
  }

  private countKey(key: string, delta: number): void {
    const count = (this.pendingKeys.get(key) ?? 0) + delta;
    if (count > 0) this.pendingKeys.set(key, count);
    else this.pendingKeys.delete(key);
  }

  private startForwarding(): void {
    if (this.forwarding || this.closed) return;
    this.forwarding = this.forward().finally(() => {
      this.forwarding = null;
      if (!this.closed && this.store.depth > 0) this.startForwarding();
    });
  }

  private async forward(): Promise<void> {
    while (!this.closed && this.store.depth > 0) {
      const batch = this.store.read(this.store.deliveredOffset, this.settings.forwardBytes);
      if (batch.length === 0) return;
      try {
        await this.transport.ready();
        await this.transport.send(batch.map((s) => s.record));
      } catch (error) {
        if (!isConnectionFailure(error)) {
          this.logger?.error(`outbox ${this.store.dir}: forwarding ${batch.length} stored record(s) failed; retrying`, error);
        }
        this.unreachable = true;
        await this.backoff();
        continue;
      }
      this.store.markDelivered(batch[batch.length - 1].offset + 1);
      for (const s of batch) this.countKey(keyOf(s.record), -1);
      this.failures = 0;
      this.unreachable = false;
    }
    if (this.store.depth === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  private backoff(): Promise<void> {
    const delay = Math.min(this.settings.maxRetryMs, this.settings.initialRetryMs * 2 ** Math.min(this.failures, 20));
    this.failures++;
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.wakeForwarder = resolve;
      this.retryTimer = setTimeout(resolve, delay);
    });
  }
}
