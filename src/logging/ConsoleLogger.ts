import { inspect } from 'node:util';
import { LOG_LEVELS, type LogFields, type Logger, type LogLevel, type LogMethod } from './Logger';
import { LogLevelError } from './LogLevelError';

/** The environment variable that sets the default logger's level. */
export const LOG_LEVEL_VARIABLE = 'BINDERY_LOG_LEVEL';
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** Writes one line per call to a stream (stderr by default): `[bindery] message key=value`, then an error's stack. */
export class ConsoleLogger implements Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;

  constructor(
    readonly level: LogLevel = DEFAULT_LOG_LEVEL,
    private readonly bindings: LogFields = {},
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
  ) {
    this.debug = this.method('debug');
    this.info = this.method('info');
    this.warn = this.method('warn');
    this.error = this.method('error');
  }

  child(bindings: LogFields): Logger {
    return new ConsoleLogger(this.level, { ...this.bindings, ...bindings }, this.write);
  }

  private method(level: Exclude<LogLevel, 'silent'>): LogMethod {
    if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(this.level)) return () => undefined;
    const prefix = level === 'info' ? '[bindery]' : `[bindery] ${level.toUpperCase()}`;
    return (first: string | LogFields, message?: string): void => {
      const fields = typeof first === 'string' ? this.bindings : { ...this.bindings, ...first };
      const text = typeof first === 'string' ? first : (message ?? '');
      this.write(`${prefix} ${text}${formatFields(fields)}\n`);
    };
  }
}

function formatFields(fields: LogFields): string {
  let out = '';
  let error = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) error += `\n${inspect(value)}`;
    else out += ` ${key}=${typeof value === 'string' ? value : inspect(value, { breakLength: Infinity })}`;
  }
  return out + error;
}

/** The level BINDERY_LOG_LEVEL names (info when unset); anything else is a LogLevelError. */
export function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const raw = env[LOG_LEVEL_VARIABLE];
  if (raw === undefined || raw === '') return DEFAULT_LOG_LEVEL;
  const level = raw.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new LogLevelError(LOG_LEVEL_VARIABLE, raw);
  return level as LogLevel;
}

/** The logger used when none is given: stderr, at the level of BINDERY_LOG_LEVEL. */
export function defaultLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return new ConsoleLogger(logLevelFrom(env));
}
