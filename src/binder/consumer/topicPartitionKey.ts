/** The key a topic partition is filed under in a binder's maps (positions, seeks, assignment, commits). */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
