/**
 * Hands partitions that are about to be taken away to the runtime's onPartitionsRevoked callback
 * (so pending acknowledgments get committed), then forgets them. Shared by the consumer members of
 * every binder. A failing callback is reported, never thrown: the rebalance must go on.
 */
import type { ConsumerSession, TopicPartition } from './Binder';

export interface RevocationSettings {
  onPartitionsRevoked?: (partitions: TopicPartition[], session: ConsumerSession) => Promise<void>;
  reportError(message: string, error: unknown): void;
}

export async function revokePartitions(
  partitions: TopicPartition[],
  assigned: Map<string, TopicPartition>,
  keyOf: (topic: string, partition: number) => string,
  session: ConsumerSession,
  settings: RevocationSettings,
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
  for (const tp of partitions) {
    const k = keyOf(tp.topic, tp.partition);
    if (assigned.get(k) === tp) assigned.delete(k);
  }
}
