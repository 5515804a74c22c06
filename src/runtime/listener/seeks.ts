/**
 * app.seek for a listener: which partitions its binding holds now (kept from the binder's
 * assignment callbacks) and how a target applies to them.
 */
import type { ConsumerBinding, ConsumerOptions, SeekPosition, TopicPartition } from '../../binder/Binder';
import { BinderyError } from '../../protocol/primitives/errors';

/**
 * Where app.seek moves a listener: every partition it holds to its first record, past its last
 * one, or to the first record at or after a timestamp; or one partition to an offset (`topic`
 * may be left out when the listener reads one topic).
 */
export type ListenerSeekTarget = 'beginning' | 'end' | { timestamp: number } | { topic?: string; partition: number; offset: number };

/** A partition seek on a listener reading several topics that does not say which. */
export class SeekTopicRequiredError extends BinderyError {
  constructor(binding: string, topics: string[]) {
    super('SEEK_TOPIC_REQUIRED', `Listener '${binding}' reads topics ${topics.join(', ')}: name the topic in the seek target ({ topic, partition, offset }).`);
  }
}

/** The partitions a consumer binding's members hold, as the binder reported them. */
export class HeldPartitions {
  private readonly held = new Map<string, TopicPartition>();

  /** `options` with its assignment callbacks also keeping this record. */
  track(options: ConsumerOptions): ConsumerOptions {
    const { onPartitionsAssigned, onPartitionsRevoked } = options;
    return {
      ...options,
      onPartitionsAssigned: (partitions, seeker) => {
        for (const tp of partitions) this.held.set(key(tp), { topic: tp.topic, partition: tp.partition });
        return onPartitionsAssigned?.(partitions, seeker);
      },
      onPartitionsRevoked: async (partitions, session) => {
        try {
          await onPartitionsRevoked?.(partitions, session);
        } finally {
          for (const tp of partitions) this.held.delete(key(tp));
        }
      },
    };
  }

  list(): TopicPartition[] {
    return [...this.held.values()];
  }
}

/** Applies `target` through `binding`; the binder rejects partitions it does not hold and future timestamps. */
export async function seekListener(
  name: string, binding: ConsumerBinding, held: HeldPartitions, topics: string[] | undefined, target: ListenerSeekTarget,
): Promise<void> {
  if (typeof target === 'object' && 'partition' in target) {
    let topic = target.topic;
    if (topic === undefined) {
      const known = topics ?? [...new Set(held.list().map((tp) => tp.topic))];
      if (known.length !== 1) throw new SeekTopicRequiredError(name, known);
      topic = known[0];
    }
    return binding.seekTo(topic, target.partition, { offset: target.offset });
  }
  const position: SeekPosition = target;
  await Promise.all(held.list().map((tp) => binding.seekTo(tp.topic, tp.partition, position)));
}

function key(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}
