/**
 * The framework's transactions end to end: app.transaction() commits or aborts atomically, and a
 * transactional listener copies each input exactly once, its failed attempts and dead letters
 * included. Run on the native binder and the kafka binder against `bindery broker` by
 * transactions.test.ts, and against Apache Kafka by test/kafka/transactions.kafka.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { Bindery, EnableBinding, Input, Output, Payload, SendTo, StreamListener, silentLogger, type BinderyConfig, type InputChannel, type MessageChannel } from '../../../src';

class Reading {
  @Input('committed') readonly committed!: InputChannel;
}

@EnableBinding(Reading)
class CommittedReader {
  readonly seen: string[] = [];

  @StreamListener('committed')
  read(@Payload() value: { v: string }): void {
    this.seen.push(value.v);
  }
}

class Copying {
  @Input('source') readonly source!: InputChannel;
  @Output('copies') readonly copies!: MessageChannel;
  @Output('audit') readonly audit!: MessageChannel;
}

@EnableBinding(Copying)
class Copier {
  private readonly attempts = new Map<number, number>();

  constructor(private readonly bindings: Copying) {}

  @StreamListener('source')
  @SendTo('copies')
  async copy(@Payload() input: { n: number }): Promise<{ n: number }> {
    const attempt = (this.attempts.get(input.n) ?? 0) + 1;
    this.attempts.set(input.n, attempt);
    // Sent before the failure: must not be seen from the failed attempts.
    await this.bindings.audit.send({ n: input.n, attempt });
    if (input.n === 5 && attempt === 1) throw new Error('a transient failure mid-way');
    if (input.n === 7) throw new Error('a record that never succeeds');
    return { n: input.n };
  }
}

class Checking {
  @Input('copied') readonly copied!: InputChannel;
  @Input('audited') readonly audited!: InputChannel;
  @Input('dead') readonly dead!: InputChannel;
}

@EnableBinding(Checking)
class Checker {
  readonly copied: number[] = [];
  readonly audited: number[] = [];
  readonly dead: number[] = [];

  @StreamListener('copied')
  onCopy(@Payload() v: { n: number }): void {
    this.copied.push(v.n);
  }

  @StreamListener('audited')
  onAudit(@Payload() v: { n: number }): void {
    this.audited.push(v.n);
  }

  @StreamListener('dead')
  onDead(@Payload() v: { n: number }): void {
    this.dead.push(v.n);
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function transactionScenarios(binderConfig: () => BinderyConfig): void {
  let app: Bindery | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const create = async (services: Function[], config: BinderyConfig): Promise<Bindery> => {
    const base = binderConfig();
    app = await Bindery.create({ services, config: { ...base, ...config }, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false });
    await app.start();
    return app;
  };

  it('app.transaction: a committed transaction is seen, an aborted one never', async () => {
    const topic = `tx.app.${randomUUID().slice(0, 8)}`;
    const a = await create([CommittedReader], {
      default: { producer: { transactionIdPrefix: `app-${randomUUID().slice(0, 8)}-` } },
      bindings: { committed: { destination: topic, group: 'reader', consumer: { partitionCount: 1 } } },
    });
    await a.transaction(async (tx) => {
      await tx.send(topic, { v: 'first' });
      await a.send(topic, { v: 'second' });
    });
    await expect(
      a.transaction(async (tx) => {
        await tx.send(topic, { v: 'aborted' });
        throw new Error('the work failed after sending');
      }),
    ).rejects.toThrow('the work failed after sending');
    const result = await a.transaction(async (tx) => (await tx.send(topic, { v: 'last' })).offset);
    expect(result).toBeGreaterThanOrEqual(0);
    const reader = a.get(CommittedReader);
    await waitFor("the last transaction's record", () => reader.seen.includes('last'));
    expect(reader.seen).toEqual(['first', 'second', 'last']);
  });

  it('a transactional listener copies each input exactly once through a failure mid-way and a dead letter', async () => {
    const id = randomUUID().slice(0, 8);
    const [source, copies, audit, dlq] = ['source', 'copies', 'audit', 'dlq'].map((t) => `tx.${t}.${id}`);
    const transactional = { transactionIdPrefix: `copier-${id}-` };
    const a = await create([Copier, Checker], {
      bindings: {
        source: {
          destination: source,
          group: 'copier',
          consumer: { partitionCount: 1, transactional: true, maxAttempts: 2, backOffInitialInterval: 1, enableDlq: true, dlqName: dlq },
        },
        copies: { destination: copies, producer: { ...transactional, partitionCount: 1 } },
        audit: { destination: audit, producer: { ...transactional, partitionCount: 1 } },
        copied: { destination: copies, group: 'check-copies', consumer: { partitionCount: 1 } },
        audited: { destination: audit, group: 'check-audit', consumer: { partitionCount: 1 } },
        dead: { destination: dlq, group: 'check-dead', consumer: { partitionCount: 1 } },
      },
    });
    for (let n = 1; n <= 10; n++) await a.send(source, { n }, { key: 'k' });
    const checker = a.get(Checker);
    await waitFor(`the last copy and the dead letter (copied ${checker.copied}, audited ${checker.audited}, dead ${checker.dead})`, () => checker.copied.includes(10) && checker.audited.includes(10) && checker.dead.length > 0);
    const expected = [1, 2, 3, 4, 5, 6, 8, 9, 10];
    expect(checker.copied).toEqual(expected);
    // The audit records of the failed attempts (5's first, both of 7's) were aborted with them.
    expect(checker.audited).toEqual(expected);
    expect(checker.dead).toEqual([7]);
  });
}
