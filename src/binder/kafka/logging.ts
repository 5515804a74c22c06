/**
 * kafkajs' log entries through the application's logger, one plain line each (a JSON logger given to
 * bindery makes them JSON; kafkajs' own JSON lines never reach the console). Connection failures
 * are not reported line by line: when connecting fails for good the binder throws one
 * KafkaConnectionError that names the broker and the cause, so they count as debug detail.
 */
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from '../../logging';

/** Entry fields worth a word in the line; timestamps and stacks are the logger's business. */
const CONTEXT_FIELDS = ['broker', 'groupId', 'memberId', 'topic', 'partition', 'error'];

function isConnectionFailure(entry: LogEntry): boolean {
  const message = entry.log.message;
  return (
    (entry.namespace === 'Connection' && /^Connection (error|timeout)/.test(message)) ||
    (entry.namespace === 'BrokerPool' && message.startsWith('Failed to connect to seed broker'))
  );
}

function line(entry: LogEntry): string {
  const context = CONTEXT_FIELDS.filter((field) => entry.log[field] !== undefined && entry.log[field] !== null).map(
    (field) => `${field}=${String(entry.log[field])}`,
  );
  return `kafkajs ${entry.namespace}: ${entry.log.message}${context.length > 0 ? ` (${context.join(', ')})` : ''}`;
}

/** A kafkajs logCreator writing to `logger`; kafkajs filters by the configured level before calling it. */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return (configured: logLevel) => (entry: LogEntry) => {
    const level = isConnectionFailure(entry) ? logLevel.DEBUG : entry.level;
    if (level > configured) return;
    if (level === logLevel.ERROR) logger.error(line(entry));
    else if (level === logLevel.WARN) logger.warn(line(entry));
    else logger.info(line(entry));
  };
}
