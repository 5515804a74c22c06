/**
 * Delayed fetches waiting for data (Kafka's fetch purgatory): each waits on the partitions it
 * reads, counts bytes appended to them, and completes when minBytes have arrived, when its
 * maxWaitMs timer fires, or when the broker closes. Watches and timers are always released.
 */
import type { Partition } from '../partition/Partition';

export type CompletionReason = 'data' | 'timeout' | 'closed';

class DelayedFetch {
  accumulated = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly unwatch: (() => void)[] = [];
  done = false;

  constructor(
    private readonly minBytes: number,
    private readonly resolve: (reason: CompletionReason) => void,
    private readonly owner: FetchPurgatory,
  ) {}

  start(partitions: Partition[], maxWaitMs: number): void {
    for (const p of partitions) {
      this.unwatch.push(p.onAppend((_p, bytes) => this.onBytes(bytes)));
    }
    this.timer = setTimeout(() => this.complete('timeout'), Math.max(0, maxWaitMs));
  }

  private onBytes(bytes: number): void {
    this.accumulated += bytes;
    if (this.accumulated >= this.minBytes) this.complete('data');
  }

  complete(reason: CompletionReason): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    for (const u of this.unwatch) u();
    this.unwatch.length = 0;
    this.owner.forget(this);
    this.resolve(reason);
  }
}

export class FetchPurgatory {
  private readonly waiting = new Set<DelayedFetch>();

  get size(): number {
    return this.waiting.size;
  }

  /**
   * Waits until `minBytes` more bytes are appended to any of `partitions` (counting
   * `alreadyAvailable`), or `maxWaitMs` passes.
   */
  wait(partitions: Partition[], minBytes: number, maxWaitMs: number, alreadyAvailable = 0): Promise<CompletionReason> {
    return new Promise<CompletionReason>((resolve) => {
      const fetch = new DelayedFetch(minBytes, resolve, this);
      fetch.accumulated = alreadyAvailable;
      this.waiting.add(fetch);
      fetch.start(partitions, maxWaitMs);
    });
  }

  forget(fetch: DelayedFetch): void {
    this.waiting.delete(fetch);
  }

  /** Completes every waiting fetch (broker shutdown); they answer with what is there. */
  completeAll(): void {
    for (const f of [...this.waiting]) f.complete('closed');
  }
}
