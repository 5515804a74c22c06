/**
 * Error handling and consumer control of the listener container, written once and run per binder
 * (native, test, kafka on bindery broker in `npm test`; kafka on Apache Kafka in `npm run test:kafka`):
 * non-blocking retry topics, batch listeners naming the record that failed, the error handler and
 * recoverer, record and producer interceptors, and filters.
 */
import 'reflect-metadata';
import {
  BatchListenerFailedError,
  Bindery,
  Context,
  EnableBinding,
  Injectable,
  Payload,
  RecordContext,
  Sink,
  StreamListener,
  silentLogger,
  type Binder,
  type BinderyOptions,
  type ConsumedRecord,
  type ConsumerConfig,
  type InboundRecord,
} from '../../../src';
import { DEADLINE_MS, eventually, RawCollector, Recorder, sendRaw, startApp, uniqueName } from './deliverySupport';

export interface ErrorHandlingTarget {
  name: string;
  /** A fresh binder on the shared broker of the run; the suite closes it. */
  binder(): Promise<Binder>;
}

const TIMEOUT_MS = 2 * DEADLINE_MS;
const n = (payload: unknown): number => (payload as { n: number }).n;
const header = (record: InboundRecord, name: string): string | undefined =>
  [...record.headers].reverse().find((h) => h.key === name)?.value?.toString('utf8');

/** What the batch listener saw, per call: the payloads' n and the attempt of the first record. */
class BatchCalls {
  readonly calls: { ns: number[]; attempt: number }[] = [];
  behavior: (ns: number[], contexts: RecordContext[]) => void = () => undefined;
}

@Injectable()
@EnableBinding(Sink)
class BatchRecorder {
  constructor(private readonly calls: BatchCalls) {}

  @StreamListener(Sink.INPUT)
  handle(@Payload() payloads: unknown[], @Context() contexts: RecordContext[]): void {
    const ns = payloads.map(n);
    this.calls.calls.push({ ns, attempt: contexts[0].attempt });
    this.calls.behavior(ns, contexts);
  }
}

export function errorHandlingSuite(target: ErrorHandlingTarget): void {
  describe(`error handling: ${target.name}`, () => {
    const apps: Bindery[] = [];
    const collectors: RawCollector[] = [];
    const binders: Binder[] = [];
    const binder = async (): Promise<Binder> => {
      const b = await target.binder();
      binders.push(b);
      return b;
    };
    const start = async (...args: Parameters<typeof startApp>) => {
      const started = await startApp(...args);
      apps.push(started.app);
      return started;
    };
    const collect = async (b: Binder, topic: string, partitions: number) => {
      const collector = await RawCollector.subscribe(b, topic, partitions);
      collectors.push(collector);
      return collector;
    };
    const startBatch = async (b: Binder, topic: string, group: string, consumer: ConsumerConfig, behavior: BatchCalls['behavior']) => {
      const calls = new BatchCalls();
      calls.behavior = behavior;
      const app = await Bindery.create({
        services: [BatchRecorder, { provide: BatchCalls, useValue: calls }],
        binder: b,
        config: { bindings: { input: { destination: topic, group, consumer: { batchMode: true, ...consumer } } } },
        configFile: false,
        env: {},
        logger: process.env.DEBUG_DELIVERY ? undefined : silentLogger,
        shutdownOnSignals: false,
      });
      apps.push(app);
      await app.start();
      return { app, calls };
    };

    afterEach(async () => {
      await Promise.allSettled(apps.splice(0).map((a) => a.close()));
      await Promise.allSettled(collectors.splice(0).map((c) => c.stop()));
      await Promise.allSettled(binders.splice(0).map((b) => b.close()));
    });

    it("retry topics: a failed record goes through <topic>-retry-<delay> no earlier than due while its partition moves on, then succeeds", async () => {
      const b = await binder();
      const topic = uniqueName('retry-topics');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 3);
      const consumer: ConsumerConfig = { retry: 'topics', maxAttempts: 3, backOffInitialInterval: 300, backOffMultiplier: 2 };
      // Both records wait in the partition before the listener starts, so the second is there when the first fails.
      const producer = await Bindery.create({ services: [], binder: b, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false });
      apps.push(producer);
      await producer.send(topic, { n: 1 }, { key: 'k', partition: 2 });
      await producer.send(topic, { n: 2 }, { key: 'k', partition: 2 });
      const recorder = new Recorder();
      recorder.behavior = (payload, _ack, context) => {
        if (n(payload) === 1 && context.attempt < 3) throw new Error(`attempt ${context.attempt} fails`);
      };
      await start({ binder: b, topic, group, consumer, recorder });
      const firstRetry = await collect(b, `${topic}-retry-300`, 3);
      await eventually(() => recorder.attemptsOf((p) => n(p) === 1).length === 3, 'the third attempt of the failing record');

      const attempts = recorder.attemptsOf((p) => n(p) === 1);
      expect(attempts.map((i) => i.attempt)).toEqual([1, 2, 3]);
      // Non-blocking: the next record of the partition did not wait for the failing one's retries
      // (in place it would come after all three attempts; usually it comes right after the first).
      const next = recorder.invocations.findIndex((i) => n(i.payload) === 2);
      expect(next).toBeGreaterThan(0);
      expect(next).toBeLessThan(3);
      // Lower bounds only: a loaded machine may stretch the gaps, never shorten them.
      expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(300 * 0.9);
      expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(600 * 0.9);

      await eventually(() => firstRetry.records.length === 1, 'the forward to the first retry topic');
      const forwarded = firstRetry.records[0];
      expect(forwarded.partition).toBe(2);
      expect(forwarded.key?.toString()).toBe('k');
      expect(header(forwarded, 'x-original-topic')).toBe(topic);
      expect(header(forwarded, 'x-original-partition')).toBe('2');
      expect(header(forwarded, 'x-original-offset')).toBe(String(attempts[0].offset));
      expect(Number(header(forwarded, 'x-original-timestamp'))).toBeGreaterThan(0);
      expect(header(forwarded, 'x-attempts')).toBe('1');
      expect(header(forwarded, 'x-exception-message')).toBe('attempt 1 fails');
      expect(Number(header(forwarded, 'x-retry-due'))).toBeGreaterThanOrEqual(attempts[0].at + 300 - 50);
      expect(header(forwarded, 'message-id')).toBe(attempts[0].messageId);
      // Retry topics copy the main topic's partition count.
      if (b.partitionCount) expect(await b.partitionCount(`${topic}-retry-600`)).toBe(3);
    }, TIMEOUT_MS);

    it('retry topics: after the last attempt the record goes to <topic>-dlt with the original coordinates; equal delays make -retry-<n> topics', async () => {
      const b = await binder();
      const topic = uniqueName('retry-dlt');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const dlt = await collect(b, `${topic}-dlt`, 1);
      const consumer: ConsumerConfig = { retry: 'topics', maxAttempts: 3, backOffInitialInterval: 100, backOffMultiplier: 1 };
      const { app, recorder } = await start({ binder: b, topic, group, consumer });
      recorder.behavior = (payload) => {
        if (n(payload) === 1) throw new Error('always fails');
      };
      const retry1 = await collect(b, `${topic}-retry-1`, 1);
      await app.send(topic, { n: 1 });
      await eventually(() => dlt.records.length === 1, 'the dead letter');
      expect(recorder.attemptsOf((p) => n(p) === 1).map((i) => i.attempt)).toEqual([1, 2, 3]);
      const dead = dlt.records[0];
      expect(header(dead, 'x-original-topic')).toBe(topic);
      expect(header(dead, 'x-original-offset')).toBe(String(recorder.invocations[0].offset));
      expect(header(dead, 'x-attempts')).toBe('3');
      expect(header(dead, 'x-retry-due')).toBeUndefined();
      await eventually(() => retry1.records.length === 1, 'the forward to the second retry topic');
      expect(header(retry1.records[0], 'x-original-topic')).toBe(topic);

      // Unreadable bytes will not improve with retries: straight to the dead-letter topic.
      await sendRaw(b, topic, 0, '{"n": oops');
      await eventually(() => dlt.records.length === 2, 'the poison pill in the dead-letter topic');
      expect(dlt.records[1].value!.toString()).toBe('{"n": oops');
      expect(header(dlt.records[1], 'x-attempts')).toBe('1');
      expect(retry1.records).toHaveLength(1);
    }, TIMEOUT_MS);

    it('batch listener: BatchListenerFailedError commits the records before it, retries that one, redelivers the rest, then dead-letters it', async () => {
      const b = await binder();
      const topic = uniqueName('batch-failed');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const dlq = await collect(b, `error.${topic}.${group}`, 1);
      const producer = await Bindery.create({ services: [], binder: b, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false });
      apps.push(producer);
      for (let i = 0; i < 10; i++) await producer.send(topic, { n: i });
      const { calls } = await startBatch(b, topic, group, { maxAttempts: 3, backOffInitialInterval: 50, enableDlq: true, maxBatchRecords: 10 }, (ns) => {
        const index = ns.indexOf(5);
        if (index >= 0) throw new BatchListenerFailedError(index, new Error('record 5 is bad'));
      });
      await eventually(() => dlq.records.length === 1 && calls.calls.some((c) => c.ns[0] === 6), 'the dead letter and the rest');
      const seen = calls.calls.flatMap((c) => c.ns);
      // 0..4 once; 5 three times (the batch delivered again from it); 6..9 after it was dead-lettered.
      expect(calls.calls.filter((c) => c.ns[0] === 5).map((c) => c.attempt)).toEqual([2, 3]);
      expect(seen.filter((i) => i < 5)).toEqual([0, 1, 2, 3, 4]);
      expect(calls.calls[calls.calls.length - 1].ns).toEqual([6, 7, 8, 9]);
      expect(JSON.parse(dlq.records[0].value!.toString())).toEqual({ n: 5 });
      expect(header(dlq.records[0], 'x-exception-message')).toBe('record 5 is bad');
      expect(header(dlq.records[0], 'x-attempts')).toBe('3');
    }, TIMEOUT_MS);

    it('error handler: dead-letters to a topic chosen per record, skips, or stops the listener without committing', async () => {
      const b = await binder();
      const topic = uniqueName('error-handler');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const chosen = await collect(b, `${topic}.invalid`, 1);
      const decided: number[] = [];
      const errorHandler: BinderyOptions['errorHandler'] = (failure) => {
        const payload = JSON.parse(failure.record.value!.toString()) as { n: number; action: string };
        decided.push(failure.attempts);
        if (payload.action === 'dead') return { deadLetter: `${failure.record.topic}.invalid` };
        if (payload.action === 'skip') return 'skip';
        if (payload.action === 'stop') return 'stop';
        return undefined;
      };
      const { app, recorder } = await start({ binder: b, topic, group, consumer: { maxAttempts: 5, backOffInitialInterval: 20 }, options: { errorHandler } });
      recorder.behavior = (payload) => {
        if ((payload as { action?: string }).action) throw new Error(`failing ${n(payload)}`);
      };
      await app.send(topic, { n: 1, action: 'dead' });
      await app.send(topic, { n: 2, action: 'skip' });
      await app.send(topic, { n: 3 });
      await app.send(topic, { n: 4, action: 'stop' });
      await app.send(topic, { n: 5 });
      await eventually(() => chosen.records.length === 1 && recorder.payloads().some((p) => n(p) === 4), 'the chosen dead letter and the stop');
      // Decided at the first failure each: no retries in place.
      expect(recorder.payloads().map(n)).toEqual([1, 2, 3, 4]);
      expect(decided).toEqual([1, 1, 1]);
      expect(header(chosen.records[0], 'x-original-offset')).toBe(String(recorder.invocations[0].offset));
      // Stopped at record 4: a new member of the group starts from it.
      await app.close();
      const next = await start({ binder: b, topic, group });
      await eventually(() => next.recorder.invocations.length >= 2, 'the records from the stop on');
      expect(next.recorder.payloads().map(n)).toEqual([4, 5]);
    }, TIMEOUT_MS);

    it("recoverer and filter: the listener's recoverer takes exhausted records instead of the dead-letter topic; filtered records are committed, never handled", async () => {
      const b = await binder();
      const topic = uniqueName('recoverer');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const dlq = await collect(b, `error.${topic}.${group}`, 1);
      const recovered: { n: number; attempts: number; exhausted: boolean }[] = [];
      const handled: number[] = [];
      const payloadOf = (record: ConsumedRecord): number => n(JSON.parse(record.value!.toString()));

      @EnableBinding(Sink)
      class Orders {
        @StreamListener(Sink.INPUT, {
          filter: (record) => payloadOf(record) % 2 === 1,
          recoverer: (failure) => {
            recovered.push({ n: payloadOf(failure.record), attempts: failure.attempts, exhausted: failure.exhausted });
            return payloadOf(failure.record) === 3 ? 'deadLetter' : undefined;
          },
        })
        handle(@Payload() payload: { n: number }): void {
          handled.push(payload.n);
          if (payload.n === 1 || payload.n === 3) throw new Error(`failing ${payload.n}`);
        }
      }

      const app = await Bindery.create({
        services: [Orders],
        binder: b,
        config: { bindings: { input: { destination: topic, group, consumer: { maxAttempts: 2, backOffInitialInterval: 20, enableDlq: true } } } },
        configFile: false,
        env: {},
        logger: silentLogger,
        shutdownOnSignals: false,
        metrics: true,
      });
      apps.push(app);
      await app.start();
      for (const i of [1, 2, 3, 4, 5]) await app.send(topic, { n: i });
      await eventually(() => handled.includes(5) && dlq.records.length === 1, 'the last record and the dead letter');
      expect(handled).toEqual([1, 1, 3, 3, 5]);
      expect(recovered).toEqual([
        { n: 1, attempts: 2, exhausted: true },
        { n: 3, attempts: 2, exhausted: true },
      ]);
      expect(JSON.parse(dlq.records[0].value!.toString())).toEqual({ n: 3 });
      const series = await app.metrics!.registry.getSingleMetricAsString('bindery_listener_records_processed_total');
      expect(series).toMatch(/outcome="filtered"[^\n]* 2/);
      await app.close();
      const next = await start({ binder: b, topic, group });
      await next.app.send(topic, { n: 6 });
      await eventually(() => next.recorder.invocations.length >= 1, 'the next record in a new member');
      expect(next.recorder.payloads()).toEqual([{ n: 6 }]);
    }, TIMEOUT_MS);

    it('record interceptors change and filter records, producer interceptors add headers; filtered records are committed', async () => {
      const b = await binder();
      const topic = uniqueName('interceptors');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const seen: string[] = [];
      const { app, recorder } = await start({
        binder: b,
        topic,
        group,
        options: {
          producerInterceptors: [{ beforeSend: (record) => void record.headers!.push({ key: 'x-sent-by', value: Buffer.from('interceptor') }) }],
          recordInterceptors: [
            {
              before: (record: ConsumedRecord) => {
                const payload = JSON.parse(record.value!.toString()) as { n: number };
                if (payload.n === 2) return null;
                return { ...record, headers: record.headers, value: Buffer.from(JSON.stringify({ n: payload.n * 10 })) };
              },
              afterSuccess: (record) => void seen.push(`ok ${record.offset}`),
              afterFailure: (record, error) => void seen.push(`failed ${record.offset}: ${(error as Error).message}`),
            },
          ],
        },
        consumer: { maxAttempts: 1 },
      });
      recorder.behavior = (payload, _ack, context) => {
        if (context.headers['x-sent-by'] !== 'interceptor') throw new Error('no header');
        if (n(payload) === 30) throw new Error('thirty');
      };
      for (const i of [1, 2, 3, 4]) await app.send(topic, { n: i });
      await eventually(() => recorder.invocations.length === 3 && seen.length === 3, 'three records through the listener');
      expect(recorder.payloads().map(n)).toEqual([10, 30, 40]);
      expect(seen).toEqual(['ok 0', 'failed 2: thirty', 'ok 3']);
      await app.close();
      const next = await start({ binder: b, topic, group });
      await next.app.send(topic, { n: 5 });
      await eventually(() => next.recorder.invocations.length >= 1, 'the next record in a new member');
      expect(next.recorder.payloads()).toEqual([{ n: 5 }]);
    }, TIMEOUT_MS);
  });
}
