/**
 * The kafka binder's durable outbox. A send that fails because the cluster cannot be reached is
 * stored in the OutboxLog (fsync'd) and resolves as `stored`; a forwarder sends stored records, in
 * order, through the binding's idempotent producer once the cluster answers, and checkpoints what
 * was acknowledged after each forward.
 *
 * Across a crash: a new process has a new producer id, so the broker cannot tell a re-sent record
 * from a new one. Each forwarded record carries an origin header (outbox id and outbox offset), and
 * before its first forward a restarted forwarder reads the destination back from positions recorded
 * before every forward, skipping the stored records it finds there: the request in flight when the
 * previous process died.
 *
 * Order per key: while a key has records in the outbox, later sends of that key are stored behind
 * them instead of overtaking them, until the forwarder has delivered them all.
 */
import type { OutboundRecord, OutboxStatus, SendResult } from '../../Binder';
import type { Logger } from '../../../logging';
import { isConnectionFailure } from '../errors';
import type { OutboxLog, StoredRecord } from './OutboxLog';
import type { ReadBackRange } from './readBack';

/** Header on each forwarded record: `<outbox id>:<outbox offset>`. */
export const ORIGIN_HEADER = 'bindery.outbox.origin';

/** What the outbox needs from its binding: a connected producer and one produce request. */
export interface OutboxTransport {
  /** Connects the producer (and makes the topic) when that has not succeeded yet. */
  ready(): Promise<void>;
  /** One produce request; returns the base offset each destination partition gave the records. */
  send(records: OutboundRecord[]): Promise<Array<{ partition: number; offset: number }>>;
  /** The high watermark of every destination partition. */
  endOffsets(): Promise<Array<{ partition: number; offset: number }>>;
  /** Values of header `headerKey` on the records of the ranges. */
  readBack(ranges: ReadBackRange[], headerKey: string): Promise<string[]>;
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
  /** Whether this process read the destination back before its first forward. */
  private recovered = false;
  /** Stored offsets found in the destination on read-back: delivered by the previous process. */
  private readonly foundDelivered = new Set<number>();

  constructor(
    private readonly store: OutboxLog,
    private readonly transport: OutboxTransport,
    private readonly settings: OutboxSettings,
    private readonly logger?: Logger,
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
    this.forwarding = this.forward().then(
      () => {
        this.forwarding = null;
        if (!this.closed && this.store.depth > 0) this.startForwarding();
      },
      (error: unknown) => {
        // the store failed (disk, or closed under the outbox): forwarding stops; what is stored stays
        this.forwarding = null;
        this.logger?.error({ err: error }, `outbox ${this.store.dir}: forwarding stopped`);
      },
    );
  }

  private async forward(): Promise<void> {
    while (!this.closed && this.store.depth > 0) {
      const batch = this.store.read(this.store.deliveredOffset, this.settings.forwardBytes);
      if (batch.length === 0) return;
      let placed: Array<{ partition: number; offset: number }>;
      try {
        await this.transport.ready();
        if (!this.recovered) await this.recover();
        const unsent = batch.filter((s) => !this.foundDelivered.has(s.offset));
        placed = unsent.length > 0 ? await this.transport.send(unsent.map((s) => this.withOrigin(s))) : [];
      } catch (error) {
        if (!isConnectionFailure(error)) {
          this.logger?.error({ err: error }, `outbox ${this.store.dir}: forwarding ${batch.length} stored record(s) failed; retrying`);
        }
        this.unreachable = true;
        await this.backoff();
        continue;
      }
      this.store.markDelivered(batch[batch.length - 1].offset + 1);
      // after the checkpoint: a crash in between only widens the next read-back
      if (this.foundDelivered.size === 0) this.store.recordReadBackFrom(placed);
      for (const s of batch) {
        this.countKey(keyOf(s.record), -1);
        this.foundDelivered.delete(s.offset);
      }
      this.failures = 0;
      this.unreachable = false;
    }
    if (this.store.depth === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /**
   * Finds stored records the previous process delivered after its last checkpoint. Before the first
   * forward ever there is nothing to find; the positions are recorded before this process forwards.
   */
  private async recover(): Promise<void> {
    const ends = await this.transport.endOffsets();
    const since = this.store.readBackFrom();
    if (since !== null && this.store.depth > 0) {
      const ranges = ends.map((end) => ({ partition: end.partition, from: since.get(end.partition) ?? 0, to: end.offset }));
      const prefix = `${this.store.outboxId}:`;
      for (const origin of await this.transport.readBack(ranges, ORIGIN_HEADER)) {
        if (!origin.startsWith(prefix)) continue;
        const offset = Number(origin.slice(prefix.length));
        if (offset >= this.store.deliveredOffset) this.foundDelivered.add(offset);
      }
    }
    // with records found, the old positions stay until they are checkpointed as delivered
    if (this.foundDelivered.size === 0) this.store.recordReadBackFrom(ends);
    else this.logger?.warn(`outbox ${this.store.dir}: ${this.foundDelivered.size} stored record(s) were delivered before a restart; not sending them again`);
    this.recovered = true;
  }

  private withOrigin(stored: StoredRecord): OutboundRecord {
    const origin = { key: ORIGIN_HEADER, value: Buffer.from(`${this.store.outboxId}:${stored.offset}`) };
    return { ...stored.record, headers: [...(stored.record.headers ?? []), origin] };
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
