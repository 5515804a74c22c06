import { describeThrown } from '../describeThrown';
import { defaultLogger, type Logger } from '../../logging';

/**
 * A consumer failure a binder recovers from (it retries or delivers again), reported where users
 * look: the logger the binder was given (the application's, when the runtime made the binder), or
 * the default logger for a binder created outside an application.
 */
export function reportConsumerError(logger: Logger | undefined, binder: string, groupId: string, message: string, error: unknown): void {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : describeThrown(error);
  (logger ?? defaultLogger()).error(`${binder} binder: group ${groupId}: ${message}: ${detail}`);
}
