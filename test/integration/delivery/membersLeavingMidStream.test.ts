/**
 * A second application joins a copier's group mid-stream and closes again:
 * the first application's members must take the group back and copy the whole input within a
 * bounded time (each input exactly once for a transactional copier, at least once for a plain
 * one). The input is fed in a window ahead of the copies, so the stream is still flowing while
 * the second application joins and leaves. On the native binder and on the kafka binder against
 * `bindery broker`.
 */
import { randomUUID } from 'node:crypto';
import { Bindery, Context, EnableBinding, Payload, Processor, SendTo, StreamListener, silentLogger, type BinderyConfig, type RecordContext } from '../../../src';
import { useInProcessBroker } from '../../support/inProcessBroker';
import { eventually, groupCaughtUp, readCommittedToEnd } from './deliverySupport';

const KEYS = 40;
const PARTITIONS = 4;
/** Inputs sent ahead of the copies: the stream keeps flowing, and never finishes before the second application left. */
const WINDOW = 100;
/** For each wait of the test: far beyond what a rebalance of live members takes, well below the 60 s rebalance timeout. */
const STEP_MS = 30000;
/** The second application's shutdown timeout when it gives up on its handlers. */
const ABANDONED_AFTER_MS = 200;

interface Copy {
  key: string;
  seq: number;
}

/** What one application's copier handled, and a gate its handler waits at while the test holds it. */
class CopierLog {
  readonly seqs = new Set<number>();
  readonly partitionsInside = new Set<number>();
  private gate: Promise<void> | null = null;
  private open: () => void = () => undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.gate = null;
    this.open();
  }

  async copy(message: Copy, partition: number): Promise<void> {
    this.seqs.add(message.seq);
    if (!this.gate) return;
    this.partitionsInside.add(partition);
    await this.gate;
    this.partitionsInside.delete(partition);
  }
}

function copierService(log: CopierLog): Function {
  @EnableBinding(Processor)
  class Copier {
    @StreamListener(Processor.INPUT)
    @SendTo(Processor.OUTPUT)
    async copy(@Payload() message: Copy, @Context() context: RecordContext): Promise<Copy> {
      await log.copy(message, context.partition);
      return message;
    }
  }
  return Copier;
}

interface Scenario {
  transactional: boolean;
  /** Members of the first application. */
  firstMembers: number;
  /**
   * When the second application closes: between records, while both its members are inside the
   * handler (which then returns), or while they are held there past its shutdown timeout (given up
   * on, they return after the close).
   */
  secondCloses: 'between records' | 'inside the handler' | 'past its shutdown timeout';
}

const SCENARIOS: Scenario[] = [
  { transactional: false, firstMembers: 1, secondCloses: 'between records' },
  { transactional: false, firstMembers: 2, secondCloses: 'inside the handler' },
  { transactional: false, firstMembers: 2, secondCloses: 'past its shutdown timeout' },
  { transactional: true, firstMembers: 1, secondCloses: 'between records' },
  { transactional: true, firstMembers: 2, secondCloses: 'between records' },
  { transactional: true, firstMembers: 2, secondCloses: 'inside the handler' },
  { transactional: true, firstMembers: 1, secondCloses: 'past its shutdown timeout' },
];

interface Topics {
  input: string;
  output: string;
  group: string;
}

/** `messages`: enough that the stream is still flowing while the second application joins and leaves. */
function membersLeavingScenarios(binderConfig: () => BinderyConfig, messages: number, scenarios: Scenario[]): void {
  const apps: Bindery[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  const create = async (services: Function[], config: BinderyConfig): Promise<Bindery> => {
    const app = await Bindery.create({ services, config: { ...binderConfig(), ...config }, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false });
    apps.push(app);
    return app;
  };

  const copier = async (log: CopierLog, topics: Topics, scenario: Scenario, concurrency: number, shutdownTimeoutMs?: number): Promise<Bindery> => {
    const app = await create([copierService(log)], {
      shutdownTimeoutMs,
      bindings: {
        input: {
          destination: topics.input,
          group: topics.group,
          consumer: { partitionCount: PARTITIONS, concurrency, maxAttempts: 1, transactional: scenario.transactional, heartbeatIntervalMs: 500 },
        },
        output: {
          destination: topics.output,
          producer: { partitionCount: PARTITIONS, ...(scenario.transactional ? { transactionIdPrefix: `copier-${topics.group}-` } : {}) },
        },
      },
    });
    await app.start();
    return app;
  };

  it.each(scenarios)('transactional $transactional, $firstMembers member(s) first, the second closing $secondCloses: the first application copies the whole input', async (scenario) => {
    const id = randomUUID().slice(0, 8);
    const topics: Topics = { input: `leave-mid.in.${id}`, output: `leave-mid.out.${id}`, group: `leave-mid.${id}` };
    const feeder = await create([], {});
    const binder = feeder.binder;
    await binder.provisionTopic(topics.input, PARTITIONS);
    await binder.provisionTopic(topics.output, PARTITIONS);

    const first = new CopierLog();
    const second = new CopierLog();
    await copier(first, topics, scenario, scenario.firstMembers);
    const copied = (): number => new Set([...first.seqs, ...second.seqs]).size;
    let sent = 0;
    let feeding = true;
    // Half the input until the second application has joined: a fast copier must not finish first.
    let limit = messages / 2;
    const fed = (async () => {
      while (feeding && sent < messages) {
        await eventually(() => !feeding || (sent - copied() < WINDOW && sent < limit), () => `copies within ${WINDOW} of the ${sent} inputs sent (${copied()} copied)`, STEP_MS);
        const batch = Array.from({ length: Math.min(WINDOW / 2, messages - sent) }, (_, i) => sent + i);
        await Promise.all(batch.map((seq) => feeder.send(topics.input, { key: `key-${seq % KEYS}`, seq }, { key: `key-${seq % KEYS}` })));
        sent += batch.length;
      }
    })();
    fed.catch(() => undefined);

    try {
      await eventually(() => copied() >= messages / 4, 'the first application copying a quarter of the input', STEP_MS);
      const inside = scenario.secondCloses !== 'between records';
      if (inside) second.hold();
      const joiner = await copier(second, topics, scenario, 2, scenario.secondCloses === 'past its shutdown timeout' ? ABANDONED_AFTER_MS : undefined);
      limit = messages;
      if (inside) {
        await eventually(() => second.partitionsInside.size === 2, () => `both members of the second application inside the handler (${[...second.partitionsInside]})`, STEP_MS);
        const closing = joiner.close();
        if (scenario.secondCloses === 'inside the handler') second.release();
        await closing;
        second.release();
      } else {
        await eventually(() => second.seqs.size >= 50, () => `the second application copying (${second.seqs.size}; first copied ${first.seqs.size}, ${sent} sent)`, STEP_MS);
        await joiner.close();
      }
      expect(sent).toBeLessThan(messages);
      await eventually(() => copied() === messages, () => `the first application copying the rest of the input (${copied()} of ${messages}, ${sent} sent)`, STEP_MS);
      await fed;
      await eventually(() => groupCaughtUp(binder, topics.group, topics.input, PARTITIONS), 'the group committing the end of the input', STEP_MS);
    } finally {
      feeding = false;
    }

    const seen = (await readCommittedToEnd(binder, topics.output, PARTITIONS, STEP_MS)).map((r) => JSON.parse(r.value!.toString()) as Copy);
    const seqs = seen.map((c) => c.seq);
    expect(new Set(seqs).size).toBe(messages);
    if (scenario.transactional) expect(seqs).toHaveLength(messages);
    // Per key, the first copy of each input comes in order.
    const byKey = new Map<string, number[]>();
    for (const c of seen) {
      const list = byKey.get(c.key) ?? [];
      if (!list.includes(c.seq)) list.push(c.seq);
      byKey.set(c.key, list);
    }
    for (const list of byKey.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
  }, 6 * STEP_MS);
}

describe('native binder: a second application joins a copier group mid-stream and closes', () => {
  membersLeavingScenarios(() => ({ binder: 'native' }), 2000, SCENARIOS);
});

describe('kafka binder on bindery broker: a second application joins a copier group mid-stream and closes', () => {
  const server = useInProcessBroker();
  // Fewer: kafkajs members take longer to rebalance, and the stall was in the transactional copier.
  membersLeavingScenarios(
    () => ({ binder: 'kafka', binders: { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } } }),
    800,
    SCENARIOS.filter((s) => s.transactional && s.secondCloses !== 'between records'),
  );
});
