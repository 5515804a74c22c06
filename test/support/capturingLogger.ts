import type { LogFields, Logger, LogMethod } from '../../src/logging';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** A logger that keeps each line (`LEVEL message[ error]`) for tests to read what a user would see. */
export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  readonly debug = this.method('debug');
  readonly info = this.method('info');
  readonly warn = this.method('warn');
  readonly error = this.method('error');

  child(): Logger {
    return this;
  }

  private method(level: Level): LogMethod {
    return (first: string | LogFields, message?: string): void => {
      const text = typeof first === 'string' ? first : (message ?? '');
      const err = typeof first === 'string' ? undefined : first.err;
      this.lines.push(`${level.toUpperCase()} ${text}${err === undefined ? '' : ` ${String(err)}`}`);
    };
  }
}

/** A logger that pushes each warning's message onto `warnings` and drops the rest. */
export function warningsInto(warnings: string[]): Logger {
  const ignore: LogMethod = () => undefined;
  const warn: LogMethod = (first: string | LogFields, message?: string) => warnings.push(typeof first === 'string' ? first : (message ?? ''));
  const logger: Logger = { debug: ignore, info: ignore, warn, error: ignore, child: () => logger };
  return logger;
}
