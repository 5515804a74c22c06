export { LOG_LEVELS, silentLogger, type LogFields, type LogLevel, type LogMethod, type Logger } from './Logger';
export { ConsoleLogger, DEFAULT_LOG_LEVEL, LOG_LEVEL_VARIABLE, defaultLogger, logLevelFrom } from './ConsoleLogger';
export { LogLevelError } from './LogLevelError';
