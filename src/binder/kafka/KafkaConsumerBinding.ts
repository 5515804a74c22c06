/**
 * A consumer binding: `concurrency` kafkajs consumers in one group (each a KafkaConsumerMember).
 * An anonymous binding gets a fresh group that starts where the topics end at bind time.
 */
import type { Consumer } from 'kafkajs';
import type { ConsumerBinding, SeekPosition } from '../Binder';
import { seekInBinding } from '../consumer/seekAssigned';
import { KafkaConsumerMember } from './KafkaConsumerMember';

/** Shared by the binding and its members: members hold back batches fetched after pause(). */
export interface PauseState {
  paused: boolean;
}

export class KafkaConsumerBinding implements ConsumerBinding {
  private stopped = false;

  constructor(
    readonly group: string | undefined,
    private readonly state: PauseState,
    private readonly members: KafkaConsumerMember[],
    private readonly explicitTopics: string[],
    private readonly onStop: () => Promise<void>,
  ) {}

  pause(): void {
    this.state.paused = true;
    for (const member of this.members) {
      const topics = new Set([...this.explicitTopics, ...member.assignedTopics()]);
      if (topics.size > 0) member.consumer.pause([...topics].map((topic) => ({ topic })));
    }
  }

  resume(): void {
    this.state.paused = false;
    for (const member of this.members) {
      const topics = new Set([...this.explicitTopics, ...member.assignedTopics(), ...pausedTopics(member.consumer)]);
      if (topics.size > 0) member.consumer.resume([...topics].map((topic) => ({ topic })));
    }
  }

  isPaused(): boolean {
    return this.state.paused;
  }

  seekTo(topic: string, partition: number, position: SeekPosition): Promise<void> {
    return seekInBinding(this.members, topic, partition, position);
  }

  async stop(handlerWaitMs?: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.members.map((member) => member.stop(handlerWaitMs)));
    await this.onStop();
  }
}

function pausedTopics(consumer: Consumer): string[] {
  return consumer.paused().map((tp) => tp.topic);
}
