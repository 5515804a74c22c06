/**
 * The topics a consumer destination names: explicit names are created when missing (with the
 * binding's partition count), a pattern is matched against the topics there are now.
 */
import type { Destination } from '../Binder';

export interface TopicCatalog {
  provisionTopic(topic: string, partitions: number): Promise<void>;
  matchingTopics(pattern: RegExp): Promise<string[]>;
}

export async function resolveTopics(destination: Destination, partitionCount: number, catalog: TopicCatalog): Promise<string[]> {
  if (destination instanceof RegExp) return catalog.matchingTopics(destination);
  const topics = typeof destination === 'string' ? [destination] : destination;
  for (const topic of topics) await catalog.provisionTopic(topic, partitionCount);
  return topics;
}
