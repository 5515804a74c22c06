/**
 * Offsets a consumer member was asked to continue from, by partition key, while the handler held
 * that partition's records (a nack, a retry after backoff, a failed chunk): they apply once the
 * handler returns. `delivering` names the partition whose records the handler holds now; a seek of
 * any other partition may apply at once.
 */
export class SeekRequests {
  private readonly byKey = new Map<string, number>();
  delivering: string | null = null;

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): number | undefined {
    return this.byKey.get(key);
  }

  set(key: string, offset: number): void {
    this.byKey.set(key, offset);
  }

  /** The request for `key`, which is then gone. */
  take(key: string): number | undefined {
    const offset = this.byKey.get(key);
    if (offset !== undefined) this.byKey.delete(key);
    return offset;
  }

  /** Keeps the requests of partitions `keep` accepts (the member's new assignment). */
  retain(keep: (key: string) => boolean): void {
    for (const key of [...this.byKey.keys()]) if (!keep(key)) this.byKey.delete(key);
  }

  clear(): void {
    this.byKey.clear();
  }
}
