/**
 * The idempotency step of a listener container: claims a record's key before processing, tells
 * duplicates apart from keys another consumer still holds, and marks done or releases after.
 */
import type { InboundRecord } from '../../binder/Binder';
import { CONSUMER_OPTION_DEFAULTS } from '../../binder/consumerDefaults';
import { describeThrown } from '../../binder/describeThrown';
import { defaultIdempotencyKey, MESSAGE_ID_HEADER, type IdempotencyStore } from '../idempotency';
import type { Logger } from '../logger';
import type { ConsumerDefinition } from '../model';
import type { RetryPolicy } from '../retry';
import { headerText, where } from './describe';

/** A listener's own idempotency key; undefined falls back to defaultIdempotencyKey. */
export type IdempotencyKeyFn = (record: InboundRecord, listener: string) => string | undefined;

/** One store for every listener, or one per listener name. */
export type IdempotencyStoreChoice = IdempotencyStore | ((listener: string) => IdempotencyStore);

/** claimed: process it; duplicate: already done, skip and commit; handBack: leave it for a redelivery. */
export type ClaimOutcome = { kind: 'claimed'; key: string } | { kind: 'duplicate'; key: string } | { kind: 'handBack' };

/** How often a key held by another consumer is checked again. */
const BUSY_POLL_MS = 200;


export class IdempotencyGuard {
  readonly store: IdempotencyStore;
  /**
   * How long a claim holds: a member that dies loses its partitions after the session timeout,
   * and a live one may spend the whole backoff on one record; past both, the claim is stale.
   */
  readonly leaseMs: number;
  /**
   * Keys this container claimed whose handler has finished but whose done mark or release the
   * store refused: still claimed in the store, by us, with nothing running.
   */
  private readonly unsettled = new Map<string, 'done' | 'failed'>();

  constructor(
    private readonly definition: ConsumerDefinition,
    choice: IdempotencyStoreChoice,
    policy: RetryPolicy,
    private readonly logger: Logger,
    private readonly keyFn?: IdempotencyKeyFn,
  ) {
    this.store = typeof choice === 'function' ? choice(definition.name) : choice;
    const c = definition.consumer;
    let backoff = 0;
    for (let attempt = 1; attempt < policy.maxAttempts; attempt++) backoff += policy.backoffMs(attempt);
    this.leaseMs = Math.min(c.idempotencyTtlMs, (c.sessionTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.sessionTimeoutMs) + backoff);
  }

  keyOf(record: InboundRecord): string {
    const own = this.keyFn?.(record, this.definition.name);
    if (own !== undefined) return own;
    return defaultIdempotencyKey(this.definition.group ?? this.definition.name, {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      messageId: headerText(record, MESSAGE_ID_HEADER),
    });
  }

  /**
   * Claims the record's key. A key that is claimed but not done belongs to a consumer that may
   * still be processing it (or died doing so): wait until it is done or its lease ends, as long
   * as `stillOwned()` holds, so per-partition order is kept and nothing is skipped unprocessed.
   */
  async claim(record: InboundRecord, stillOwned: () => boolean, pause: (ms: number) => Promise<void>): Promise<ClaimOutcome> {
    const key = this.keyOf(record);
    const unsettled = this.unsettled.get(key);
    if (unsettled !== undefined) {
      // Our own claim, its handler finished: settle it now instead of waiting out the lease as if
      // another consumer held it. A store still failing throws, and the record comes back later.
      if (unsettled === 'done') {
        await this.store.markDone(key, this.definition.consumer.idempotencyTtlMs);
        this.unsettled.delete(key);
        return { kind: 'duplicate', key };
      }
      await this.store.release(key);
      this.unsettled.delete(key);
    }
    const deadline = Date.now() + 2 * this.leaseMs + BUSY_POLL_MS;
    let logged = false;
    for (;;) {
      if (await this.store.claim(key, this.leaseMs)) return { kind: 'claimed', key };
      if (!this.store.isDone || (await this.store.isDone(key))) return { kind: 'duplicate', key };
      if (!logged) {
        this.logger.info(`${this.definition.name}: ${where(record)} (${key}) is held by another consumer; waiting for it to finish or its claim to expire`);
        logged = true;
      }
      if (Date.now() > deadline) {
        this.logger.warn(`${this.definition.name}: ${key} still held after ${this.leaseMs * 2} ms; redelivering ${where(record)} later`);
        return { kind: 'handBack' };
      }
      await pause(BUSY_POLL_MS);
      if (!stillOwned()) return { kind: 'handBack' };
    }
  }

  /**
   * Batch listeners: claims every record's key in order; records already done (or repeated
   * within the batch) drop out. undefined: a key stayed held, the batch goes back (nothing kept claimed).
   */
  async claimAll<T extends { record: InboundRecord }>(
    items: T[],
    stillOwned: () => boolean,
    pause: (ms: number) => Promise<void>,
  ): Promise<{ kept: T[]; keys: string[] } | undefined> {
    const kept: T[] = [];
    const keys: string[] = [];
    for (const item of items) {
      if (keys.includes(this.keyOf(item.record))) continue;
      const claim = await this.claim(item.record, stillOwned, pause);
      if (claim.kind === 'handBack') {
        await this.settleAll(keys, false);
        return undefined;
      }
      if (claim.kind === 'claimed') {
        kept.push(item);
        keys.push(claim.key);
      }
    }
    return { kept, keys };
  }

  /**
   * Marks every key done (the batch succeeded) or releases them all. Every key is tried even when
   * the store refuses one (each refused key is remembered as ours); the first refusal is thrown.
   */
  async settleAll(keys: string[], done: boolean): Promise<void> {
    let refused: { error: unknown } | undefined;
    for (const key of keys) {
      try {
        await (done ? this.markDone(key) : this.release(key));
      } catch (error) {
        refused ??= { error };
      }
    }
    if (refused) throw refused.error;
  }

  /**
   * Renews the claims of `keys` every third of the lease while their records are processed, so a
   * handler slower than the lease keeps them; a dead process stops renewing and its claims lapse.
   * Returns the function that stops renewing.
   */
  keepAlive(keys: string[]): () => void {
    const store = this.store;
    if (!store.renew || keys.length === 0) return () => undefined;
    const timer = setInterval(() => {
      for (const key of keys) {
        store.renew!(key, this.leaseMs).catch((e) => this.logger.warn(`${this.definition.name}: renewing the claim of ${key} failed (${describeThrown(e)})`));
      }
    }, Math.max(100, Math.floor(this.leaseMs / 3)));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** The record was processed. When the store fails, the key is remembered as done, so its redelivery only marks it. */
  async markDone(key: string): Promise<void> {
    try {
      await this.store.markDone(key, this.definition.consumer.idempotencyTtlMs);
    } catch (error) {
      this.unsettled.set(key, 'done');
      throw error;
    }
  }

  /** Processing failed. When the store fails, the key is remembered as ours, so its redelivery frees it first. */
  async release(key: string): Promise<void> {
    try {
      await this.store.release(key);
    } catch (error) {
      this.unsettled.set(key, 'failed');
      throw error;
    }
  }
}
