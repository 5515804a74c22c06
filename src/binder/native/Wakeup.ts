/** A wake-up call that can be awaited again and again: wait() settles at the next notify(). */
export class Wakeup {
  private resolve!: () => void;
  private current!: Promise<void>;

  constructor() {
    this.renew();
  }

  /** Settles at the next notify() (take it before checking the condition, so no notify is missed). */
  wait(): Promise<void> {
    return this.current;
  }

  notify(): void {
    const resolve = this.resolve;
    this.renew();
    resolve();
  }

  private renew(): void {
    this.current = new Promise<void>((resolve) => (this.resolve = resolve));
  }
}
