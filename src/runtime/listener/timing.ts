/** Waiting in the listener container: backoff that keeps group membership, and bounded waits. */
import type { ConsumerSession } from '../../binder/Binder';
import type { Clock } from '../clock';

/** Sleeps in slices of the heartbeat interval, beating after each, so the group does not evict the member. */
export async function sleepWithHeartbeat(
  ms: number,
  session: ConsumerSession,
  heartbeatIntervalMs: number,
  clock: Clock,
  signal: AbortSignal,
  onHeartbeatError: (error: unknown) => void,
): Promise<void> {
  const slice = Math.max(1, heartbeatIntervalMs);
  for (let left = ms; left > 0 && !signal.aborted; left -= slice) {
    await clock.sleep(Math.min(slice, left), signal);
    if (signal.aborted) break;
    try {
      await session.heartbeat();
    } catch (error) {
      // A rebalance may be under way; the caller checks whether it still owns the partition.
      onHeartbeatError(error);
    }
  }
}

/** `work`'s result, or 'timeout' when it takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
