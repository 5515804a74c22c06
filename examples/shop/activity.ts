/** Counts what each service handled and keeps a compact log, for the demo's live view and for tests. */
export class Activity {
  readonly counts = new Map<string, number>();
  readonly log: string[] = [];
  /** Per order, the steps in the order they happened. */
  readonly timeline = new Map<string, string[]>();
  private readonly listeners: Array<(line: string) => void> = [];

  record(service: string, orderId: string, step: string): void {
    this.counts.set(service, (this.counts.get(service) ?? 0) + 1);
    const steps = this.timeline.get(orderId) ?? [];
    steps.push(step);
    this.timeline.set(orderId, steps);
    const line = `${service.padEnd(13)} ${orderId.padEnd(6)} ${step}`;
    this.log.push(line);
    for (const listener of this.listeners) listener(line);
  }

  onRecord(listener: (line: string) => void): void {
    this.listeners.push(listener);
  }

  count(service: string): number {
    return this.counts.get(service) ?? 0;
  }
}
