import { describeThrown } from './describeThrown';
import type { BinderLogger } from './registry';

/**
 * A consumer failure a binder recovers from (it retries or delivers again) reported where users
 * look: the application's logger, or the console for a binder created outside an application.
 */
export function reportConsumerError(logger: BinderLogger | undefined, binder: string, groupId: string, message: string, error: unknown): void {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : describeThrown(error);
  const line = `${binder} binder: group ${groupId}: ${message}: ${detail}`;
  if (logger) logger.error(line);
  // eslint-disable-next-line no-console
  else console.error(`[bindery ${binder} binder] group ${groupId}: ${message}: ${detail}`);
}
