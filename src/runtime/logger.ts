/** The runtime's logger is the one every room shares (src/logging); re-exported as part of the public API. */
export {
  ConsoleLogger,
  LOG_LEVELS,
  LogLevelError,
  defaultLogger,
  silentLogger,
  type LogFields,
  type LogLevel,
  type LogMethod,
  type Logger,
} from '../logging';
