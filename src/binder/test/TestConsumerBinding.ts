/** A consumer binding of the test binder: `concurrency` members of one group sharing a pause state. */
import type { ConsumerBinding, SeekPosition } from '../Binder';
import { seekInBinding } from '../consumer/seekAssigned';
import type { TestConsumerMember } from './TestConsumerMember';

/** Shared by the binding and its members, which deliver nothing while it is set. */
export interface PauseState {
  paused: boolean;
}

export class TestConsumerBinding implements ConsumerBinding {
  constructor(
    readonly group: string | undefined,
    private readonly state: PauseState,
    private readonly members: TestConsumerMember[],
    private readonly onStop: () => void,
  ) {}

  pause(): void {
    this.setPaused(true);
  }

  resume(): void {
    this.setPaused(false);
  }

  isPaused(): boolean {
    return this.state.paused;
  }

  seekTo(topic: string, partition: number, position: SeekPosition): Promise<void> {
    return seekInBinding(this.members, topic, partition, position);
  }

  async stop(handlerWaitMs?: number): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop(handlerWaitMs)));
    this.onStop();
  }

  private setPaused(paused: boolean): void {
    this.state.paused = paused;
    for (const member of this.members) member.wake();
  }
}
