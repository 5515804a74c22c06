import type { LogConfig } from './types';

/**
 * When a log fsyncs (Kafka's flush.messages / flush.ms). Unset, the OS page cache decides:
 * appends survive a process crash but not a power loss. With `flushMessages` N the log fsyncs
 * once N messages are unflushed; with `flushMs` M, at most M ms after the first unflushed append
 * (a timer, so an idle log is flushed too).
 */
export class FlushPolicy {
  private unflushedMessages = 0;
  private firstUnflushedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private config: Pick<LogConfig, 'flushMessages' | 'flushMs'>,
    private readonly flush: () => void,
  ) {}

  updateConfig(config: Pick<LogConfig, 'flushMessages' | 'flushMs'>): void {
    this.config = config;
  }

  appended(messages: number, now: number): void {
    this.unflushedMessages += messages;
    const { flushMessages, flushMs } = this.config;
    if (flushMessages !== undefined && Number.isFinite(flushMessages) && this.unflushedMessages >= flushMessages) {
      this.flush();
      return;
    }
    if (flushMs === undefined || !Number.isFinite(flushMs)) return;
    if (this.firstUnflushedAt === null) {
      this.firstUnflushedAt = now;
      if (flushMs <= 0) {
        this.flush();
        return;
      }
      this.timer = setTimeout(() => this.flush(), flushMs);
      this.timer.unref();
    } else if (now - this.firstUnflushedAt >= flushMs) {
      this.flush();
    }
  }

  flushed(): void {
    this.unflushedMessages = 0;
    this.firstUnflushedAt = null;
    this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
