import type { TopicConfig } from '../config/TopicConfig';
import type { Partition } from '../partition/Partition';
import { isInternalTopic } from './topicName';

/** A topic on this node: its id, effective config and partitions (index = position). */
export class Topic {
  constructor(
    readonly name: string,
    readonly topicId: string,
    public config: TopicConfig,
    readonly partitions: Partition[],
  ) {}

  get isInternal(): boolean {
    return isInternalTopic(this.name);
  }
}
