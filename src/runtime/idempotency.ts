/**
 * Idempotent consumption: before a message is processed its key is claimed for a lease; a key
 * already claimed is either done (skip and commit the message) or still held by a consumer that
 * may be processing it (wait for the lease to end or the key to be done). On success the key is
 * marked done for the idempotency ttl; on failure it is released so a redelivery can claim it.
 * Keys come from the `message-id` header bindery's producers set on every message, else
 * topic-partition-offset, and are namespaced per consumer group.
 */
export interface IdempotencyStore {
  /** Atomically claims `key` for `leaseMs`; false when it is already claimed or done. */
  claim(key: string, leaseMs: number): Promise<boolean>;
  /** The message was processed: remember the key as done for `ttlMs` (default: keep the lease's expiry). */
  markDone(key: string, ttlMs?: number): Promise<void>;
  /** Processing failed: free the key, but only while the claim is still this store's. */
  release(key: string): Promise<void>;
  /** Extends a claim this store still holds by `leaseMs` (a long handler keeps its key); false when lost. */
  renew?(key: string, leaseMs: number): Promise<boolean>;
  /**
   * Whether the key was marked done (not merely claimed). A store without it treats every lost
   * claim as done: the duplicate is skipped at once (at-most-once for a crashed claimer's message).
   */
  isDone?(key: string): Promise<boolean>;
  /** Whether the store is reachable now, for app.health() (a store without it is taken as always available). */
  health?(): IdempotencyStoreHealth;
}

export interface IdempotencyStoreHealth {
  available: boolean;
  /** When the store last became available or unavailable (ms since the epoch). */
  since: number;
  /** While unavailable: what the last failure said. */
  lastError?: string;
}

/** An IdempotencyStore in process memory (one process; lost on restart). */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { expiresAt: number; done: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, leaseMs: number): Promise<boolean> {
    const existing = this.entries.get(key);
    const now = this.now();
    if (existing && existing.expiresAt > now) return false;
    this.entries.set(key, { expiresAt: now + leaseMs, done: false });
    if (this.entries.size % 1024 === 0) this.evictExpired(now);
    return true;
  }

  async markDone(key: string, ttlMs?: number): Promise<void> {
    const now = this.now();
    const entry = this.entries.get(key) ?? { expiresAt: now, done: true };
    entry.done = true;
    if (ttlMs !== undefined) entry.expiresAt = now + ttlMs;
    this.entries.set(key, entry);
  }

  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry && !entry.done) this.entries.delete(key);
  }

  async renew(key: string, leaseMs: number): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry || entry.done) return false;
    entry.expiresAt = this.now() + leaseMs;
    return true;
  }

  async isDone(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.done && entry.expiresAt > this.now();
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

export const MESSAGE_ID_HEADER = 'message-id';

/** Where a record's idempotency key comes from; see defaultIdempotencyKey. */
export interface IdempotencyKeySource {
  topic: string;
  partition: number;
  offset: number;
  /** The `message-id` header, when the record has one. */
  messageId?: string;
}

/**
 * The key a listener claims by default: `<scope>:<message-id>`, else `<scope>:<topic>-<partition>-<offset>`.
 * `scope` is the consumer group (else the listener name), so two groups reading one message each
 * process it once. Listeners that write effects with RedisIdempotencyStore.doneWith compute the
 * same key from their RecordContext.
 */
export function defaultIdempotencyKey(scope: string, source: IdempotencyKeySource): string {
  return `${scope}:${source.messageId ?? `${source.topic}-${source.partition}-${source.offset}`}`;
}
