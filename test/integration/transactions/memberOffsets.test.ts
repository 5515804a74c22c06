/**
 * A transactional listener's transaction commits the offset of its own record and no other. For
 * a moment a rebalance leaves two members of one application handling the same partition: the
 * member the group replaced (its producer is fenced, so its transaction fails) and the member that
 * took the partition over. The offset of the failed transaction must not join the new owner's
 * next transaction: ahead of the owner it skips records a later owner never copies, behind it it
 * makes a later owner copy committed records again.
 */
import { Bindery, EnableBinding, Processor, SendTo, StreamListener, silentLogger } from '../../../src';
import type { BatchHandler, Binder } from '../../../src/binder/Binder';
import { NativeBinder } from '../../../src/binder/native';
import { ScriptedMemberSession, singleRecordBatch } from '../../support/memberSession';

interface Copy {
  n: number;
}

/** Holds record 10 until told, so that another member takes the partition over meanwhile. */
class Gate {
  release!: () => void;
  readonly released = new Promise<void>((resolve) => (this.release = resolve));
  entered!: () => void;
  readonly held = new Promise<void>((resolve) => (this.entered = resolve));
}

@EnableBinding(Processor)
class Copier {
  constructor(private readonly gate: Gate) {}

  @StreamListener(Processor.INPUT)
  @SendTo(Processor.OUTPUT)
  async copy(message: Copy): Promise<Copy> {
    if (message.n === 10) {
      this.gate.entered();
      await this.gate.released;
    }
    return message;
  }
}

describe('transactional listener, two members on one partition: native binder', () => {
  it("the new owner's transactions commit its own records' offsets, not the offset of the replaced member's failed transaction", async () => {
    const native = new NativeBinder();
    let handler: BatchHandler | undefined;
    // The native binder, but the test hands the listener's batches to it as two members would.
    const binder = new Proxy(native, {
      get(target, key) {
        if (key === 'bindConsumer') {
          return (destination: string, options: object, h: BatchHandler) => {
            handler = h;
            return target.bindConsumer(destination, options, h);
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Binder;
    const gate = new Gate();
    const app = await Bindery.create({
      services: [Copier, { provide: Gate, useValue: gate }],
      binder,
      config: {
        bindings: {
          input: { destination: 'copy.in', group: 'copiers', consumer: { transactional: true, maxAttempts: 1 } },
          output: { destination: 'copy.out', producer: { transactionIdPrefix: 'copier-' } },
        },
      },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    await app.start();
    try {
      const replaced = new ScriptedMemberSession();
      const owner = new ScriptedMemberSession();
      // The replaced member is in its transaction for record 10 when the owner takes over at 3.
      const replacedCopy = handler!(singleRecordBatch('copy.in', 10), replaced);
      await gate.held;
      await handler!(singleRecordBatch('copy.in', 3), owner);
      gate.release();
      // Its producer was fenced by the owner's: the transaction aborts, record 10 comes again.
      await expect(replacedCopy).rejects.toThrow();
      await handler!(singleRecordBatch('copy.in', 4), owner);
      const [committed] = await native.committedOffsets('copiers', [{ topic: 'copy.in', partition: 0 }]);
      expect(committed).toEqual({ topic: 'copy.in', partition: 0, offset: 5 });
      // Offsets go only in transactions, never through the member's own commit.
      expect([...replaced.commits, ...owner.commits]).toEqual([]);
    } finally {
      await app.close();
      await native.close();
    }
  });
});
