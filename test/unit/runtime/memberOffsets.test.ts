/**
 * The members of one listener each commit the offsets of the records they processed, and only
 * those. Two members can hold one partition at once for a moment: one the group replaced (its
 * commit fails) and the one that replaced it. The offset the first one could not commit must not
 * ride on the second one's commit: it would move the group's position away from where the
 * second one is (forward past records nobody finished, or, in a transaction, backward so that a
 * later owner copies committed records again).
 */
import { Bindery, EnableBinding, Sink, StreamListener, TestBinder, silentLogger } from '../../../src';
import type { BatchHandler, ConsumerOptions, Destination } from '../../../src/binder/Binder';
import { ScriptedMemberSession, singleRecordBatch } from '../../support/memberSession';

/** A test binder that also hands the test the listener's batch handler, to call as any member would. */
class HandlerCapturingBinder extends TestBinder {
  handler: BatchHandler | undefined;

  override bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler) {
    this.handler = handler;
    return super.bindConsumer(destination, options, handler);
  }
}

@EnableBinding(Sink)
class Recorder {
  static readonly seen: number[] = [];

  @StreamListener(Sink.INPUT)
  handle(value: { n: number }): void {
    Recorder.seen.push(value.n);
  }
}

describe('offsets of the members of one listener', () => {
  it('a member commits the offsets of its own records, not the offset another member failed to commit', async () => {
    const binder = new HandlerCapturingBinder();
    await binder.provisionTopic('jobs', 1);
    const app = await Bindery.create({
      services: [Recorder],
      binder,
      config: { bindings: { input: { destination: 'jobs', group: 'g' } } },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    await app.start();
    try {
      const handler = binder.handler!;
      // The replaced member processed record 10; the group refuses its commit.
      const replaced = new ScriptedMemberSession(new Error('the member was removed from the group'));
      await expect(handler(singleRecordBatch('jobs', 10), replaced)).rejects.toThrow('removed from the group');
      // The member that took the partition over starts from the group's committed offset.
      const owner = new ScriptedMemberSession();
      await handler(singleRecordBatch('jobs', 6), owner);
      await handler(singleRecordBatch('jobs', 7), owner);
      expect(Recorder.seen).toEqual([10, 6, 7]);
      expect(owner.commits).toEqual([[{ topic: 'jobs', partition: 0, offset: 7 }], [{ topic: 'jobs', partition: 0, offset: 8 }]]);
    } finally {
      await app.close();
      await binder.close();
    }
  });
});
