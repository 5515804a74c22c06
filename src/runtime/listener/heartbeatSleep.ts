/** Backoff that keeps group membership: sleeps in slices of the heartbeat interval, beating after each. */
import type { ConsumerSession } from '../../binder/Binder';
import type { Clock } from '../clock';

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
