/**
 * An IdempotencyStore over Redis, shared by every instance of a consumer group:
 *   claim    = SET key <token> NX PX lease   (atomic: one instance wins; in a script that also takes
 *              back a claim of ours whose reply was lost)
 *   markDone = SET key done PX ttl           (kept for the idempotency ttl)
 *   release  = delete only while the value is still our token (Lua compare-and-delete), so an
 *              instance whose lease ran out never frees a claim another instance now holds.
 *   renew    = PEXPIRE only while the value is still our token (a long handler keeps its claim).
 * doneWith writes the listener's own Redis effects and the done mark in one MULTI, which makes
 * those effects exactly-once even if the process dies right after them.
 */
import { randomUUID } from 'node:crypto';
import Redis, { type ChainableCommander } from 'ioredis';
import type { IdempotencyStore, IdempotencyStoreHealth } from '../idempotency';
import { describeThrown } from '../../binder/describeThrown';
import { defaultLogger, type Logger } from '../logger';

const DONE = 'done';

/** Claims a free key, or takes back one whose claim carried this same token (a claim whose reply was lost). */
const CLAIM_OR_RECLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const RELEASE_IF_OURS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

const RENEW_IF_OURS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

export interface RedisIdempotencyStoreOptions {
  /** redis://host:port/db; ignored when `client` is given. Default redis://127.0.0.1:6379. */
  url?: string;
  /** An ioredis client to use (not closed by close()). */
  client?: Redis;
  /** Prefix of every key the store writes. Default 'bindery:idempotency:'. */
  prefix?: string;
  /** Where outages and recoveries are reported, once each. Default: stderr at BINDERY_LOG_LEVEL. */
  logger?: Logger;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  readonly prefix: string;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  /** Tokens of the claims this store holds, by key. */
  private readonly tokens = new Map<string, string>();
  /** Tokens of claims sent but never answered, by key. */
  private readonly unanswered = new Map<string, string>();
  private readonly instance = randomUUID();
  private sequence = 0;

  private state: IdempotencyStoreHealth = { available: true, since: Date.now() };
  private readonly logger: Logger;
  private readonly onError = (error: unknown): void => this.unavailable(error);
  private readonly onReady = (): void => this.availableAgain();

  constructor(options: RedisIdempotencyStoreOptions = {}) {
    this.prefix = options.prefix ?? 'bindery:idempotency:';
    this.ownsClient = !options.client;
    this.logger = options.logger ?? defaultLogger();
    this.client = options.client ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 3 });
    // Without an 'error' listener ioredis prints every failed reconnection as an unhandled error.
    this.client.on('error', this.onError);
    this.client.on('ready', this.onReady);
  }

  health(): IdempotencyStoreHealth {
    return { ...this.state };
  }

  /** The first error of an outage is reported; the reconnection attempts that follow only update health. */
  private unavailable(error: unknown): void {
    const lastError = describeThrown(error);
    if (!this.state.available) {
      this.state.lastError = lastError;
      return;
    }
    this.state = { available: false, since: Date.now(), lastError };
    this.logger.warn(`Redis idempotency store (${this.address()}) is unavailable: ${lastError}; idempotent listeners redeliver their records until it is back`);
  }

  private availableAgain(): void {
    if (this.state.available) return;
    const downMs = Date.now() - this.state.since;
    this.state = { available: true, since: Date.now() };
    this.logger.info(`Redis idempotency store (${this.address()}) is available again after ${downMs} ms`);
  }

  private address(): string {
    const { host, port } = this.client.options;
    return `${host ?? '127.0.0.1'}:${port ?? 6379}`;
  }

  /**
   * A claim whose answer never came (the connection broke) may still have been written: the next
   * claim of that key sends the same token, so such a claim is recognised as ours, not waited out
   * as if another consumer held it. No handler runs under an unanswered claim, so taking it back is safe.
   */
  async claim(key: string, leaseMs: number): Promise<boolean> {
    // Taken, not shared: two claims of one key at once (two partitions, one custom key) get two tokens.
    const token = this.unanswered.get(key) ?? `${this.instance}:${++this.sequence}`;
    this.unanswered.delete(key);
    let result: unknown;
    try {
      result = await this.client.eval(CLAIM_OR_RECLAIM, 1, this.prefix + key, token, Math.max(1, Math.round(leaseMs)));
    } catch (error) {
      this.unanswered.set(key, token);
      throw error;
    }
    if (result !== 1) return false;
    this.tokens.set(key, token);
    return true;
  }

  /** The token is kept until the write succeeds: a failed mark leaves a claim that release() can still free. */
  async markDone(key: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.client.set(this.prefix + key, DONE, 'KEEPTTL');
    else await this.client.set(this.prefix + key, DONE, 'PX', Math.max(1, Math.round(ttlMs)));
    this.tokens.delete(key);
  }

  async release(key: string): Promise<void> {
    const token = this.tokens.get(key);
    if (token === undefined) return;
    await this.client.eval(RELEASE_IF_OURS, 1, this.prefix + key, token);
    this.tokens.delete(key);
  }

  async renew(key: string, leaseMs: number): Promise<boolean> {
    const token = this.tokens.get(key);
    if (token === undefined) return false;
    return (await this.client.eval(RENEW_IF_OURS, 1, this.prefix + key, token, Math.max(1, Math.round(leaseMs)))) === 1;
  }

  async isDone(key: string): Promise<boolean> {
    return (await this.client.get(this.prefix + key)) === DONE;
  }

  /**
   * Runs the listener's Redis writes (`effects` adds them to the transaction) and marks `key` done
   * in the same MULTI/EXEC: either both happen or neither does.
   */
  async doneWith(key: string, ttlMs: number, effects: (transaction: ChainableCommander) => void): Promise<void> {
    const transaction = this.client.multi();
    effects(transaction);
    transaction.set(this.prefix + key, DONE, 'PX', Math.max(1, Math.round(ttlMs)));
    const results = await transaction.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error(`the Redis transaction marking '${key}' done was aborted`);
    this.tokens.delete(key);
  }

  /** Closes the connection the store opened (a client passed in is left open). */
  async close(): Promise<void> {
    if (!this.ownsClient) {
      this.client.off('error', this.onError);
      this.client.off('ready', this.onReady);
      return;
    }
    // QUIT is only answered by a connected server; a client still (re)connecting is just dropped.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
