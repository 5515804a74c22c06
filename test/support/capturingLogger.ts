import type { Logger } from '../../src/runtime/logger';

/** A logger that keeps each line (`LEVEL message[ error]`) for tests to read what a user would see. */
export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`INFO ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`WARN ${message}`);
  }
  error(message: string, error?: unknown): void {
    this.lines.push(`ERROR ${message}${error === undefined ? '' : ` ${String(error)}`}`);
  }
}
