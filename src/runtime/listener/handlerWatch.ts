/**
 * Watches the handlers of one listener container for ones that run past the session timeout. The
 * delivery path only writes which record a partition is on (and bumps a counter per attempt); a
 * timer samples that, so a handler that never settles is warned about once in the log and its
 * partition shows as stuck in app.health(), without a clock read per record.
 */
import type { InboundRecord } from '../../binder/Binder';
import type { Logger } from '../logger';
import { where } from './describe';

/** A partition whose handler has been running longer than the session timeout. */
export interface StuckPartition {
  topic: string;
  partition: number;
  /** The record the handler is on. */
  offset: number;
  /** At least this long (sampled). */
  runningMs: number;
}

/** What one partition's delivery is doing: the record being handled (undefined between records and during backoff). */
export class PartitionActivity {
  record: InboundRecord | undefined = undefined;
  /** Bumped at each attempt, so a retry of the same record counts from its own start. */
  attempt = 0;
  seenAttempt = -1;
  seenRecord: InboundRecord | undefined = undefined;
  seenAt = 0;
  warned = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** The handler starts (another attempt) on `record`. */
  begin(record: InboundRecord): void {
    this.record = record;
    this.attempt++;
  }
}

export class HandlerWatch {
  private readonly activities = new Map<string, PartitionActivity>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly listener: string,
    private readonly sessionTimeoutMs: number,
    private readonly handlerTimeoutMs: number | undefined,
    private readonly logger: Logger,
  ) {}

  activity(topic: string, partition: number): PartitionActivity {
    const key = `${topic}\u0000${partition}`;
    let found = this.activities.get(key);
    if (found === undefined) this.activities.set(key, (found = new PartitionActivity(topic, partition)));
    return found;
  }

  start(): void {
    // Sampled a few times per session timeout: a stuck handler is reported well within one more.
    const interval = Math.max(20, Math.min(1000, Math.floor(this.sessionTimeoutMs / 4)));
    this.timer = setInterval(() => this.sample(), interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  stuck(): StuckPartition[] {
    this.sample();
    const now = Date.now();
    const out: StuckPartition[] = [];
    for (const a of this.activities.values()) {
      if (a.record === undefined || !this.isStuck(a, now)) continue;
      out.push({ topic: a.topic, partition: a.partition, offset: a.record.offset, runningMs: now - a.seenAt });
    }
    return out;
  }

  warnings(): string[] {
    return this.stuck().map((s) => this.warning(s.topic, s.partition, s.offset));
  }

  private isStuck(a: PartitionActivity, now: number): boolean {
    return a.seenRecord === a.record && a.seenAttempt === a.attempt && now - a.seenAt > this.sessionTimeoutMs;
  }

  private sample(): void {
    const now = Date.now();
    for (const a of this.activities.values()) {
      if (a.record === undefined) continue;
      if (a.seenRecord !== a.record || a.seenAttempt !== a.attempt) {
        a.seenRecord = a.record;
        a.seenAttempt = a.attempt;
        a.seenAt = now;
        a.warned = false;
      } else if (!a.warned && this.isStuck(a, now)) {
        a.warned = true;
        this.logger.warn(this.warning(a.topic, a.partition, a.record.offset));
      }
    }
  }

  private warning(topic: string, partition: number, offset: number): string {
    const record = where({ topic, partition, offset });
    const advice = this.handlerTimeoutMs === undefined ? '; set consumer.handlerTimeoutMs to fail such a handler' : '';
    return `${this.listener}: the handler on ${record} has run longer than the session timeout (${this.sessionTimeoutMs} ms); the partition waits behind it${advice}`;
  }
}
