/**
 * The request channel between the network side and the handlers (the seed's Reactor split, in
 * Node terms): connections only frame and decode, then enqueue; the queue starts handlers from
 * setImmediate in slices bounded by a time budget, so reading sockets and writing responses of
 * other connections interleaves with handler work instead of waiting behind it. Handlers are
 * asynchronous: a long-poll fetch parks in the broker's purgatory without holding the queue.
 */
export type RequestJob = () => Promise<void>;

export interface RequestQueueOptions {
  /** Longest stretch of synchronous handler starts before yielding to I/O (ms). */
  sliceMs?: number;
}

export class RequestQueue {
  private readonly jobs: RequestJob[] = [];
  private head = 0;
  private scheduled = false;
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly sliceMs: number;

  constructor(options: RequestQueueOptions = {}) {
    this.sliceMs = options.sliceMs ?? 5;
  }

  get depth(): number {
    return this.jobs.length - this.head;
  }

  /** Handlers started and not yet finished. */
  get inFlight(): number {
    return this.running;
  }

  enqueue(job: RequestJob): void {
    this.jobs.push(job);
    this.schedule();
  }

  /** Resolves once no job is queued or running. */
  whenIdle(): Promise<void> {
    if (this.depth === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const started = performance.now();
    while (this.head < this.jobs.length) {
      const job = this.jobs[this.head];
      this.jobs[this.head++] = undefined as unknown as RequestJob;
      this.running++;
      job().then(
        () => this.finished(),
        () => this.finished(),
      );
      if (performance.now() - started >= this.sliceMs) break;
    }
    if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs.splice(0, this.head);
      this.head = 0;
    }
    if (this.head < this.jobs.length) this.schedule();
  }

  private finished(): void {
    this.running--;
    if (this.running === 0 && this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
