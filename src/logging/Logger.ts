/**
 * The one logger every room reports through (runtime, binders, broker). Its shape is pino's, so a
 * pino logger is passed as is: `logger.warn('message')`, or `logger.error({ err }, 'message')` with
 * structured fields first, and `child(bindings)` for a logger that adds fields to every line.
 */
export type LogFields = Record<string, unknown>;

export interface LogMethod {
  (message: string): void;
  (fields: LogFields, message?: string): void;
}

export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  child(bindings: LogFields): Logger;
}

/** The levels, least severe first; 'silent' logs nothing. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ignore: LogMethod = () => undefined;

/** Drops every line (tests, and applications that report elsewhere). */
export const silentLogger: Logger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
});
