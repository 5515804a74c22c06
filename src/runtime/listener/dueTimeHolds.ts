/**
 * Keeps a retry topic's records from being delivered before they are due, with no busy loop and
 * no sleeping handler: a partition whose head record is not due is handed back (seek) and paused
 * until that record is due; the binding's other partitions keep flowing. The member stays in its
 * group while a partition is paused (the binder keeps heartbeating). A partition delivered again
 * before its time (after a rebalance) is simply held again.
 */
import type { ConsumerSession } from '../../binder/Binder';
import type { Clock } from '../clock';

interface Hold {
  topic: string;
  partition: number;
  due: number;
  session: ConsumerSession;
}

export class DueTimeHolds {
  private readonly holds = new Map<string, Hold>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** Holds `topic`-`partition` (its head record handed back) until `due`. */
  hold(topic: string, partition: number, due: number, session: ConsumerSession): void {
    session.pausePartition(topic, partition);
    this.holds.set(`${topic}\u0000${partition}`, { topic, partition, due, session });
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.holds.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    let earliest = Infinity;
    for (const h of this.holds.values()) earliest = Math.min(earliest, h.due);
    if (earliest === Infinity || this.closed) return;
    this.timer = setTimeout(() => this.wake(), Math.max(0, earliest - this.clock.now()));
  }

  /** Resumes the partitions whose head is due now; the others stay paused until theirs is. */
  private wake(): void {
    const now = this.clock.now();
    for (const [key, h] of this.holds) {
      if (h.due > now) continue;
      this.holds.delete(key);
      // A partition that went to another member meanwhile is that member's to hold or deliver.
      if (h.session.isActive(h.topic, h.partition)) h.session.resumePartition(h.topic, h.partition);
    }
    this.schedule();
  }
}
