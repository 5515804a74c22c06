/**
 * The sends and offset steps of a transactional producer's open transaction: commit and abort wait
 * for all of them, and the first that failed is kept (the transaction can then only abort).
 */
export class TransactionSteps {
  private readonly pending = new Set<Promise<unknown>>();
  /** The first failure of the open transaction, or null. */
  failure: Error | null = null;

  track(step: Promise<unknown>): void {
    this.pending.add(step);
    const forget = (): void => void this.pending.delete(step);
    step.then(forget, (error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
      forget();
    });
  }

  /** Waits for every step tracked so far, and those they led to, to finish (failed or not). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
