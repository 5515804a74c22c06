/**
 * Keeps a retry topic's records from being delivered before they are due, with no busy loop and
 * no sleeping handler: a partition whose head record is not due is handed back (seek) and held,
 * and the retry binding pauses until the earliest held record is due. The binding stays in its
 * group while paused (the binder keeps heartbeating). A held partition delivered again before its
 * time is simply held again.
 */
import type { ConsumerBinding } from '../../binder/Binder';
import type { Clock } from '../clock';

export class DueTimeHolds {
  private readonly dueAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private binding: ConsumerBinding | undefined;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    /** Whether the binding must stay paused anyway (the application paused the listener). */
    private readonly pausedByApplication: () => boolean,
  ) {}

  attach(binding: ConsumerBinding): void {
    this.binding = binding;
  }

  /** Holds `topic`-`partition` (its head record handed back) until `due`. */
  hold(topic: string, partition: number, due: number): void {
    this.dueAt.set(`${topic}\u0000${partition}`, due);
    this.binding?.pause();
    this.schedule();
  }

  /** Whether a hold is pausing the binding (then a resume by the application waits for the timer). */
  holding(): boolean {
    return this.dueAt.size > 0;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.dueAt.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    let earliest = Infinity;
    for (const due of this.dueAt.values()) earliest = Math.min(earliest, due);
    if (earliest === Infinity) return;
    this.timer = setTimeout(() => this.wake(), Math.max(0, earliest - this.clock.now()));
  }

  /** The earliest hold is over: deliver again; partitions still early are held again when their head comes back. */
  private wake(): void {
    this.timer = undefined;
    this.dueAt.clear();
    if (!this.closed && !this.pausedByApplication()) this.binding?.resume();
  }
}
