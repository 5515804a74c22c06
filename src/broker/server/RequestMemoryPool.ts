/**
 * queued.max.request.bytes over every connection (Kafka's SimpleMemoryPool, non-strict, as its
 * SocketServer uses it): a frame reserves its declared size when its size prefix arrives and
 * gives it back once its request has been handled or its connection closes. A reservation is
 * granted while any room is left, so a frame larger than what remains still gets in and no
 * frame waits forever behind smaller ones; once the pool is used up, connections wanting room
 * stop being read until reservations come back.
 */
export class RequestMemoryPool {
  private used = 0;
  private readonly waiters = new Set<() => void>();
  private wakeScheduled = false;

  /** `capacity` <= 0: no bound (the pool only counts). */
  constructor(readonly capacity: number) {}

  /** Request bytes reserved now. */
  get queuedBytes(): number {
    return this.used;
  }

  /** Connections waiting for room before they read their next frame. */
  get waitingConnections(): number {
    return this.waiters.size;
  }

  tryReserve(bytes: number): boolean {
    if (this.capacity > 0 && this.used >= this.capacity) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    this.used -= bytes;
    if (this.waiters.size > 0 && !this.wakeScheduled && this.used < this.capacity) {
      // Woken from the event loop, not from inside the handler that released the bytes.
      this.wakeScheduled = true;
      setImmediate(() => this.wake());
    }
  }

  /** Calls `retry` once room may be available (it then tries again and, if refused, waits again). */
  waitForRoom(retry: () => void): void {
    this.waiters.add(retry);
  }

  cancel(retry: () => void): void {
    this.waiters.delete(retry);
  }

  private wake(): void {
    this.wakeScheduled = false;
    for (const retry of [...this.waiters]) {
      if (this.used >= this.capacity) break;
      this.waiters.delete(retry);
      retry();
    }
  }
}
