/**
 * A transactional listener with several group members in one process while partitions move
 * between live members (one holds a record in its transaction past its session timeout): a read_committed
 * reader of the output finds each input exactly once, in per-key order. On the kafka binder against
 * `bindery broker`, whose members heartbeat only between records (the native binder's heartbeat
 * on their own, so a held record does not move their partitions).
 */
import { randomUUID } from 'node:crypto';
import { Bindery, EnableBinding, Processor, SendTo, StreamListener, silentLogger, type BinderyConfig } from '../../../src';
import { useInProcessBroker } from '../../support/inProcessBroker';
import { eventually, groupCaughtUp, readCommittedToEnd } from '../delivery/deliverySupport';

const MESSAGES = 2000;
const KEYS = 20;
const PARTITIONS = 4;
const DEADLINE_MS = 60000;

interface Copy {
  key: string;
  seq: number;
}

/**
 * What the copiers of one test share: how many records they copied, and the record one member
 * holds (no heartbeat meanwhile, so the group moves its partitions to the other live members)
 * until another member copied it and the rest of the input.
 */
class CopyLog {
  copied = 0;
  private heldCopies = 0;
  private copiedAtTakeOver: number | undefined;

  constructor(readonly held: number) {}

  /** Whether a second member copied the held record (the partition moved while it was held). */
  get takenOver(): boolean {
    return this.copiedAtTakeOver !== undefined;
  }

  async copy(message: Copy): Promise<void> {
    this.copied++;
    if (message.seq !== this.held) return;
    this.heldCopies++;
    if (this.heldCopies > 1) {
      this.copiedAtTakeOver ??= this.copied;
      return;
    }
    // Once the others copied every record (this one a second time), none of them is in a transaction.
    const taken = (): boolean => this.copiedAtTakeOver !== undefined && this.copied > MESSAGES;
    // Bounded: when nothing takes the partition over, the test goes on (and finds the copies).
    await eventually(taken, 'another member taking the held record over', DEADLINE_MS).catch(() => undefined);
  }
}

function copierService(log: CopyLog): Function {
  @EnableBinding(Processor)
  class MovingCopier {
    @StreamListener(Processor.INPUT)
    @SendTo(Processor.OUTPUT)
    async copy(message: Copy): Promise<Copy> {
      await log.copy(message);
      return message;
    }
  }
  return MovingCopier;
}

interface Topics {
  input: string;
  output: string;
  group: string;
}

function movedPartitionsScenario(binderConfig: () => BinderyConfig): void {
  const apps: Bindery[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  const create = async (services: Function[], topics: Topics, concurrency: number): Promise<Bindery> => {
    const app = await Bindery.create({
      services,
      config: {
        ...binderConfig(),
        bindings: {
          input: {
            destination: topics.input,
            group: topics.group,
            consumer: { transactional: true, partitionCount: PARTITIONS, concurrency, maxAttempts: 1, sessionTimeoutMs: 6000 },
          },
          output: { destination: topics.output, producer: { transactionIdPrefix: 'mover-', partitionCount: PARTITIONS } },
        },
      },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    apps.push(app);
    return app;
  };

  it(`${PARTITIONS} members in one instance, one holding a record in its transaction until the group moved its partitions to another: a read_committed reader sees each of ${MESSAGES} inputs exactly once, in per-key order`, async () => {
    const id = randomUUID().slice(0, 8);
    const topics: Topics = { input: `txn-move.in.${id}`, output: `txn-move.out.${id}`, group: `txn-move.copier.${id}` };
    const producer = await Bindery.create({ services: [], config: binderConfig(), configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false });
    apps.push(producer);
    await producer.binder.provisionTopic(topics.input, PARTITIONS);
    await producer.binder.provisionTopic(topics.output, PARTITIONS);
    await Promise.all(Array.from({ length: MESSAGES }, (_, seq) => producer.send(topics.input, { key: `key-${seq % KEYS}`, seq }, { key: `key-${seq % KEYS}` })));

    const log = new CopyLog(MESSAGES / 4);
    const copier = await create([copierService(log)], topics, PARTITIONS);
    await copier.start();
    await eventually(async () => log.copied >= MESSAGES && (await groupCaughtUp(producer.binder, topics.group, topics.input, PARTITIONS)), () => `the group committing the end of the input (${log.copied} copies)`, 3 * DEADLINE_MS);
    await copier.close();
    expect(log.takenOver).toBe(true);

    const seen = (await readCommittedToEnd(producer.binder, topics.output, PARTITIONS)).map((r) => JSON.parse(r.value!.toString()) as Copy);
    const byKey = new Map<string, number[]>();
    for (const m of seen) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.seq]);
    for (let k = 0; k < KEYS; k++) {
      expect(byKey.get(`key-${k}`)).toEqual(Array.from({ length: MESSAGES / KEYS }, (_, i) => i * KEYS + k));
    }
    expect(seen).toHaveLength(MESSAGES);
  }, 4 * DEADLINE_MS);
}

describe('transactional listener, partitions moving between live members: kafka binder on bindery broker', () => {
  const server = useInProcessBroker();
  movedPartitionsScenario(() => ({ binder: 'kafka', binders: { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } } }));
});
