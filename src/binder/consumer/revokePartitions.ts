/**
 * Hands partitions that are about to be taken away to the runtime's onPartitionsRevoked callback
 * (so pending acknowledgments get committed), then forgets them. Shared by the consumer members of
 * every binder. A failing callback is reported, never thrown: the rebalance must go on.
 */
import type { ConsumerSession, TopicPartition } from '../Binder';
import type { AssignedPartitions } from './AssignedPartitions';
import type { MemberSettings } from './MemberSettings';

export async function revokePartitions(
  partitions: TopicPartition[],
  assigned: AssignedPartitions,
  session: ConsumerSession,
  settings: Pick<MemberSettings, 'onPartitionsRevoked' | 'reportError'>,
): Promise<void> {
  if (partitions.length === 0) return;
  const callback = settings.onPartitionsRevoked;
  // Still assigned while the callback runs, so the runtime may commit what it acknowledged.
  if (callback) {
    try {
      await callback(partitions, session);
    } catch (error) {
      settings.reportError('onPartitionsRevoked failed', error);
    }
  }
  // Identity check: a new assignment may have arrived while the callback ran.
  for (const tp of partitions) assigned.release(tp);
}
