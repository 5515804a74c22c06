/**
 * Waking a member's loop out of a long poll or an idle wait (pause, resume, rebalance, stop), and
 * waits that end early when stopped. Listeners are removed as soon as what they guard settles, so a
 * loop that fetches thousands of times between two wake-ups holds on to nothing.
 */
export class Wakeup {
  private epoch = 0;
  private readonly listeners = new Set<() => void>();

  /** Take a mark before checking the loop's conditions: a notify after it is never missed. */
  mark(): number {
    return this.epoch;
  }

  notify(): void {
    this.epoch++;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }

  /** Resolves at the first notify after `mark` (at once if one already happened). */
  wait(mark: number): Promise<void> {
    return new Promise((resolve) => this.onNext(mark, resolve));
  }

  /** `work`'s result, or null when notified first (after `mark`); the listener goes with the race. */
  race<T>(mark: number, work: Promise<T>): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      const cancel = this.onNext(mark, () => resolve(null));
      work.then(
        (value) => {
          cancel();
          resolve(value);
        },
        (error: unknown) => {
          cancel();
          reject(error);
        },
      );
    });
  }

  private onNext(mark: number, listener: () => void): () => void {
    if (this.epoch !== mark) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Resolves after `ms`, or earlier at a notify of `wakeup` after `mark`. */
export function delay(ms: number, wakeup: Wakeup, mark: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return wakeup.race(mark, elapsed).then(() => clearTimeout(timer));
}
