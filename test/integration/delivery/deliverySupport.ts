/**
 * Helpers of the delivery suite: a recording listener driven per test, applications over a
 * given binder, a raw collector for dead-letter topics, and condition waits with a deadline.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  Ack,
  Acknowledgment,
  Bindery,
  Context,
  EnableBinding,
  Injectable,
  RecordContext,
  Sink,
  StreamListener,
  silentLogger,
  type Binder,
  type BinderyOptions,
  type ConsumerConfig,
  type ConsumerBinding,
  type InboundRecord,
} from '../../../src';

/** Generous: the machine is shared and Apache Kafka rebalances take seconds. */
export const DEADLINE_MS = 90000;

export function uniqueName(label: string): string {
  return `delivery.${label}.${randomUUID().slice(0, 8)}`;
}

/** Resolves once `condition()` holds, checking every 20 ms; fails with `what` at the deadline. */
/** `what` may be a function, so the message can carry what was learnt while waiting. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every record of `topic` a read_committed reader sees, up to a sentinel written to each of its partitions at the end. */
export async function readCommittedToEnd(binder: Binder, topic: string, partitions: number, timeoutMs = DEADLINE_MS): Promise<InboundRecord[]> {
  const sentinels = await binder.bindProducer(topic);
  for (let partition = 0; partition < partitions; partition++) await sentinels.send({ value: Buffer.from('"end"'), partition });
  await sentinels.close();
  const records: InboundRecord[] = [];
  const ended = new Set<number>();
  const reader = await binder.bindConsumer(topic, { group: `verify-${randomUUID()}`, startOffset: 'earliest', isolationLevel: 'read_committed' }, async (batch) => {
    for (const r of batch.records) {
      if (r.value?.toString() === '"end"') ended.add(r.partition);
      else records.push(r);
    }
  });
  await eventually(() => ended.size === partitions, 'the sentinel of every partition', timeoutMs).finally(() => reader.stop());
  return records;
}

/** Whether `group` committed the end of each of the topic's `partitions`. */
export async function groupCaughtUp(binder: Binder, group: string, topic: string, partitions: number): Promise<boolean> {
  const all = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
  const ends = await binder.endOffsets!(all);
  const committed = await binder.committedOffsets!(group, all);
  return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.offset);
}

export interface Invocation {
  payload: unknown;
  attempt: number;
  offset: number;
  partition: number;
  at: number;
  messageId: string | undefined;
}

/** What the listener saw; `behavior` decides per invocation (throw to fail, use ack to ack/nack). */
export class Recorder {
  readonly invocations: Invocation[] = [];
  behavior: (payload: unknown, ack: Acknowledgment, context: RecordContext) => void | Promise<void> = () => undefined;

  payloads(): unknown[] {
    return this.invocations.map((i) => i.payload);
  }

  attemptsOf(predicate: (payload: unknown) => boolean): Invocation[] {
    return this.invocations.filter((i) => predicate(i.payload));
  }
}

@Injectable()
@EnableBinding(Sink)
export class RecordingListener {
  constructor(private readonly recorder: Recorder) {}

  @StreamListener(Sink.INPUT)
  async handle(payload: unknown, @Ack() ack: Acknowledgment, @Context() context: RecordContext): Promise<void> {
    this.recorder.invocations.push({
      payload,
      attempt: context.attempt,
      offset: context.offset,
      partition: context.partition,
      at: Date.now(),
      messageId: context.headers['message-id'],
    });
    await this.recorder.behavior(payload, ack, context);
  }
}

export interface AppSpec {
  binder: Binder;
  topic: string;
  group: string;
  consumer?: ConsumerConfig;
  recorder?: Recorder;
  options?: Partial<BinderyOptions>;
}

/** A started application whose `input` binding listens on `topic` in `group`. */
export async function startApp(spec: AppSpec): Promise<{ app: Bindery; recorder: Recorder }> {
  const recorder = spec.recorder ?? new Recorder();
  const app = await Bindery.create({
    services: [RecordingListener, { provide: Recorder, useValue: recorder }],
    binder: spec.binder,
    config: { bindings: { input: { destination: spec.topic, group: spec.group, consumer: spec.consumer ?? {} } } },
    configFile: false,
    env: {},
    logger: process.env.DEBUG_DELIVERY ? undefined : silentLogger,
    shutdownOnSignals: false,
    ...spec.options,
  });
  await app.start();
  return { app, recorder };
}

/** Records of a topic as the binder delivers them (a fresh group from the earliest offset). */
export class RawCollector {
  private constructor(
    private readonly binding: ConsumerBinding,
    readonly records: InboundRecord[],
  ) {}

  static async subscribe(binder: Binder, topic: string, partitions: number): Promise<RawCollector> {
    await binder.provisionTopic(topic, partitions);
    const records: InboundRecord[] = [];
    const binding = await binder.bindConsumer(topic, { group: uniqueName('collector'), startOffset: 'earliest' }, async (batch, session) => {
      records.push(...batch.records);
      const last = batch.records[batch.records.length - 1];
      if (last) await session.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
    });
    return new RawCollector(binding, records);
  }

  header(record: InboundRecord, name: string): string | undefined {
    const found = [...record.headers].reverse().find((h) => h.key === name);
    return found?.value?.toString('utf8');
  }

  stop(): Promise<void> {
    return this.binding.stop();
  }
}

/** Invalid JSON with a JSON content type, as a broken producer would send it. */
export async function sendRaw(binder: Binder, topic: string, partition: number, value: string, key = 'raw'): Promise<void> {
  const producer = await binder.bindProducer(topic);
  await producer.send({
    key: Buffer.from(key),
    value: Buffer.from(value),
    partition,
    headers: [
      { key: 'content-type', value: Buffer.from('application/json') },
      { key: 'message-id', value: Buffer.from(randomUUID()) },
    ],
  });
  await producer.close();
}

/** Resolves once a child process has exited (at once when it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
