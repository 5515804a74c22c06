import type { Logger } from '../../logging';
import { describeFsError } from './errors';
import type { LogSegment } from './LogSegment';

/** What the flusher needs of its log. */
export interface RollFlushTarget {
  readonly dir: string;
  isClosed(): boolean;
  /** Bumped when segments are truncated or deleted. */
  generation(): number;
  /** The inactive segments holding offsets below `offset` past the recovery point. */
  segmentsToFlush(offset: number): LogSegment[];
  /** Those segments are on the device (the fsyncs took `seconds`): the recovery point may move up to `offset`. */
  flushedUpTo(offset: number, seconds: number): void;
}

/**
 * Kafka's flush on roll: the segments before a new active one are fsynced and the recovery
 * point moves to its base, so a crash re-validates only the active segment. Started after the
 * append that rolled and run off the event loop (the fsyncs go to the thread pool); rolls while
 * one runs join the next.
 */
export class RollFlusher {
  private upTo: number | null = null;
  private running = false;

  constructor(
    private readonly target: RollFlushTarget,
    private readonly logger: Logger,
  ) {}

  /** A segment starting at `newActiveBase` became active: flush everything below it. */
  schedule(newActiveBase: number): void {
    this.upTo = Math.max(this.upTo ?? 0, newActiveBase);
    if (this.running) return;
    this.running = true;
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    try {
      while (this.upTo !== null && !this.target.isClosed()) {
        const upTo = this.upTo;
        this.upTo = null;
        try {
          await this.flush(upTo);
        } catch (err) {
          // the segments stay above the recovery point: a crash re-validates them, as before the roll
          this.logger.warn(`flushing the rolled segments of ${this.target.dir} failed: ${describeFsError(err)}`);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async flush(offset: number): Promise<void> {
    const generation = this.target.generation();
    const started = performance.now();
    await Promise.all(this.target.segmentsToFlush(offset).map((s) => s.flushInBackground()));
    if (this.target.isClosed()) return;
    if (generation !== this.target.generation()) {
      // segments were truncated or deleted meanwhile: flush what is there now
      this.upTo = Math.max(this.upTo ?? 0, offset);
      return;
    }
    this.target.flushedUpTo(offset, (performance.now() - started) / 1000);
  }
}
