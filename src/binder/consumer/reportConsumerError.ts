import { describeThrown } from '../describeThrown';
import type { BinderLogger } from '../registry';

/**
 * A consumer failure a binder recovers from (it retries or delivers again), reported where users
 * look: the logger the binder was given (the application's, when the runtime made the binder).
 */
export function reportConsumerError(logger: BinderLogger, binder: string, groupId: string, message: string, error: unknown): void {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : describeThrown(error);
  logger.error(`${binder} binder: group ${groupId}: ${message}: ${detail}`);
}
