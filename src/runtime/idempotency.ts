/**
 * Idempotent consumption: before a message is processed its key is claimed; a message whose key
 * is already claimed (being processed or done) is skipped. Keys come from the `message-id`
 * header bindery's producers set on every message, else topic-partition-offset.
 */
export interface IdempotencyStore {
  /** Atomically claims `key` for `ttlMs`; false when it is already claimed or done. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** The message was processed: keep the key claimed for its ttl. */
  markDone(key: string): Promise<void>;
  /** Processing failed: free the key so a redelivery can claim it. */
  release(key: string): Promise<void>;
}

/** An IdempotencyStore in process memory (one process; lost on restart). */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { expiresAt: number; done: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const existing = this.entries.get(key);
    const now = this.now();
    if (existing && existing.expiresAt > now) return false;
    this.entries.set(key, { expiresAt: now + ttlMs, done: false });
    if (this.entries.size % 1024 === 0) this.evictExpired(now);
    return true;
  }

  async markDone(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry) entry.done = true;
  }

  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry && !entry.done) this.entries.delete(key);
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

export const MESSAGE_ID_HEADER = 'message-id';
