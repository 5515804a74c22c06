/**
 * Delivery guarantees, written once and run per binder (native in `npm test`, kafka on Apache
 * Kafka in `npm run test:kafka`): retries and backoff, dead-letter topics, poison pills, manual
 * acks, nack, long backoffs that keep group membership, and (with Redis) idempotent consumption
 * under rebalances and crashes.
 */
import type { Acknowledgment, Binder, Bindery } from '../../../src';
import { crashScenario, type CrashTarget } from './crashScenario';
import { DEADLINE_MS, eventually, RawCollector, sendRaw, startApp, uniqueName } from './deliverySupport';
import { redisScenarios } from './redisScenarios';
import { retryTopicsCrashScenario } from './retryTopicsCrashScenario';

export interface DeliveryTarget {
  /** Shown in the test names. */
  name: string;
  /** A fresh binder on the shared broker of the run; the suite closes it. */
  binder(): Promise<Binder>;
  /** How the crash test runs its consumer child on this binder. */
  crash: CrashTarget;
}

class NotRetryableError extends Error {}

const TIMEOUT_MS = 2 * DEADLINE_MS;
const n = (payload: unknown): number => (payload as { n: number }).n;

export function deliverySuite(target: DeliveryTarget): void {
  describe(`delivery guarantees: ${target.name}`, () => {
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
    const dlqOf = async (b: Binder, topic: string, group: string, partitions: number) => {
      const collector = await RawCollector.subscribe(b, `error.${topic}.${group}`, partitions);
      collectors.push(collector);
      return collector;
    };

    afterEach(async () => {
      await Promise.allSettled(apps.splice(0).map((a) => a.close()));
      await Promise.allSettled(collectors.splice(0).map((c) => c.stop()));
      await Promise.allSettled(binders.splice(0).map((b) => b.close()));
    });

    it('runs a failing handler exactly maxAttempts times with exponential backoff, then dead-letters it with every header', async () => {
      const b = await binder();
      const topic = uniqueName('retry');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 3);
      const dlq = await dlqOf(b, topic, group, 3);
      const consumer = { maxAttempts: 4, backOffInitialInterval: 50, backOffMultiplier: 2, enableDlq: true };
      const { app, recorder } = await start({ binder: b, topic, group, consumer });
      recorder.behavior = (payload) => {
        if ((payload as { fail?: boolean }).fail) throw new Error(`failing ${n(payload)}`);
      };
      await app.send(topic, { n: 1, fail: true }, { key: 'k', partition: 2 });
      await app.send(topic, { n: 2 }, { key: 'k', partition: 2 });
      await eventually(() => dlq.records.length === 1 && recorder.payloads().some((p) => n(p) === 2), 'the DLQ record and the next message');

      const failing = recorder.attemptsOf((p) => n(p) === 1);
      expect(failing.map((i) => i.attempt)).toEqual([1, 2, 3, 4]);
      // Lower bounds only: a loaded machine may stretch the gaps, never shorten them.
      [50, 100, 200].forEach((backoff, i) => expect(failing[i + 1].at - failing[i].at).toBeGreaterThanOrEqual(backoff * 0.9));
      // Order within the partition: the next record only after the last attempt.
      expect(recorder.invocations.findIndex((i) => n(i.payload) === 2)).toBe(4);

      const dead = dlq.records[0];
      expect(dead.partition).toBe(2);
      expect(JSON.parse(dead.value!.toString('utf8'))).toEqual({ n: 1, fail: true });
      expect(dead.key?.toString()).toBe('k');
      expect(dlq.header(dead, 'x-original-topic')).toBe(topic);
      expect(dlq.header(dead, 'x-original-partition')).toBe('2');
      expect(dlq.header(dead, 'x-original-offset')).toBe(String(failing[0].offset));
      expect(dlq.header(dead, 'x-exception-message')).toBe('failing 1');
      expect(dlq.header(dead, 'x-exception-stacktrace')).toMatch(/^Error: failing 1\n\s+at /);
      expect(dlq.header(dead, 'x-attempts')).toBe('4');
      expect(dlq.header(dead, 'message-id')).toBe(failing[0].messageId);
    }, TIMEOUT_MS);

    it('sends a not-retryable error straight to the DLQ', async () => {
      const b = await binder();
      const topic = uniqueName('not-retryable');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const dlq = await dlqOf(b, topic, group, 1);
      const consumer = { maxAttempts: 5, backOffInitialInterval: 50, enableDlq: true, retryableExceptions: { NotRetryableError: false } };
      const { app, recorder } = await start({ binder: b, topic, group, consumer });
      recorder.behavior = (payload) => {
        if (n(payload) === 1) throw new NotRetryableError('invalid order');
      };
      await app.send(topic, { n: 1 });
      await app.send(topic, { n: 2 });
      await eventually(() => dlq.records.length === 1 && recorder.payloads().some((p) => n(p) === 2), 'the DLQ record and the next message');
      expect(recorder.payloads().map(n)).toEqual([1, 2]);
      expect(dlq.header(dlq.records[0], 'x-attempts')).toBe('1');
      expect(dlq.header(dlq.records[0], 'x-exception-message')).toBe('invalid order');
    }, TIMEOUT_MS);

    it('does not commit a record whose dead-letter publish fails: it is redelivered, also to the next member', async () => {
      const b = await binder();
      const topic = uniqueName('dlq-fails');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      // An illegal topic name: every publish to the DLQ fails.
      const consumer = { maxAttempts: 1, backOffInitialInterval: 50, enableDlq: true, dlqName: 'no such topic!' };
      const first = await start({ binder: b, topic, group, consumer });
      first.recorder.behavior = () => {
        throw new Error('always fails');
      };
      await first.app.send(topic, { n: 1 });
      await eventually(() => first.recorder.invocations.length >= 3, 'the record to come back');
      expect(first.recorder.invocations.every((i) => n(i.payload) === 1 && i.attempt === 1 && i.offset === first.recorder.invocations[0].offset)).toBe(true);
      await first.app.close();
      const second = await start({ binder: b, topic, group });
      await eventually(() => second.recorder.invocations.length >= 1, 'the uncommitted record in the next member');
      expect(second.recorder.payloads()[0]).toEqual({ n: 1 });
    }, TIMEOUT_MS);

    it('dead-letters a poison pill without retrying it and processes the next message of its partition', async () => {
      const b = await binder();
      const topic = uniqueName('poison');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 2);
      const dlq = await dlqOf(b, topic, group, 2);
      const { app, recorder } = await start({ binder: b, topic, group, consumer: { maxAttempts: 3, backOffInitialInterval: 50, enableDlq: true } });
      await sendRaw(b, topic, 1, '{"n": oops');
      await app.send(topic, { n: 2 }, { partition: 1 });
      await eventually(() => dlq.records.length === 1 && recorder.invocations.length === 1, 'the DLQ record and the next message');
      expect(recorder.payloads()).toEqual([{ n: 2 }]);
      const dead = dlq.records[0];
      expect(dead.value!.toString('utf8')).toBe('{"n": oops');
      expect(dead.partition).toBe(1);
      expect(dlq.header(dead, 'x-attempts')).toBe('1');
      expect(dlq.header(dead, 'x-original-offset')).toBe(String(recorder.invocations[0].offset - 1));
    }, TIMEOUT_MS);

    it('skips a poison pill when the DLQ is off, and commits past it', async () => {
      const b = await binder();
      const topic = uniqueName('poison-skip');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const first = await start({ binder: b, topic, group });
      await sendRaw(b, topic, 0, 'not json at all');
      await first.app.send(topic, { n: 2 });
      await eventually(() => first.recorder.invocations.length === 1, 'the message after the pill');
      await first.app.close();
      // A new member of the group starts after both: nothing was left uncommitted.
      const second = await start({ binder: b, topic, group });
      await second.app.send(topic, { n: 3 });
      await eventually(() => second.recorder.invocations.length >= 1, 'the next message in a new member');
      expect(second.recorder.payloads()).toEqual([{ n: 3 }]);
    }, TIMEOUT_MS);

    it('manual acks: records not acknowledged are redelivered to the next member of the group', async () => {
      const b = await binder();
      const topic = uniqueName('manual');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const first = await start({ binder: b, topic, group, consumer: { ackMode: 'manual' } });
      first.recorder.behavior = (payload, ack) => {
        if (n(payload) < 5) ack.ack();
      };
      for (let i = 0; i < 10; i++) await first.app.send(topic, { n: i });
      await eventually(() => first.recorder.invocations.length === 10, 'ten invocations');
      await first.app.close();
      const second = await start({ binder: b, topic, group, consumer: { ackMode: 'manual_immediate' } });
      second.recorder.behavior = (_payload, ack) => ack.ack();
      await eventually(() => second.recorder.invocations.length === 5, 'the five unacknowledged records');
      expect(second.recorder.payloads().map(n)).toEqual([5, 6, 7, 8, 9]);
    }, TIMEOUT_MS);

    it('nack(sleepMs) redelivers the record after the sleep, keeping the order', async () => {
      const b = await binder();
      const topic = uniqueName('nack');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const { app, recorder } = await start({ binder: b, topic, group, consumer: { ackMode: 'manual' } });
      let nacked = false;
      recorder.behavior = (payload, ack: Acknowledgment) => {
        if (n(payload) === 1 && !nacked) {
          nacked = true;
          ack.nack(100);
        } else ack.ack();
      };
      for (let i = 0; i < 3; i++) await app.send(topic, { n: i });
      await eventually(() => recorder.invocations.length === 4, 'four invocations');
      expect(recorder.payloads().map(n)).toEqual([0, 1, 1, 2]);
      expect(recorder.invocations[2].at - recorder.invocations[1].at).toBeGreaterThanOrEqual(90);
    }, TIMEOUT_MS);

    it('keeps its group membership through a 10 s backoff with the default session timeout', async () => {
      const b = await binder();
      const topic = uniqueName('long-backoff');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 1);
      const { app, recorder } = await start({ binder: b, topic, group, consumer: { maxAttempts: 2, backOffInitialInterval: 10000 } });
      recorder.behavior = (payload, _ack, context) => {
        if (n(payload) === 1 && context.attempt === 1) throw new Error('first attempt fails');
      };
      await app.send(topic, { n: 1 });
      await eventually(() => recorder.invocations.length >= 2, 'the retry after 10 s');
      await app.send(topic, { n: 2 });
      await eventually(() => recorder.payloads().some((p) => n(p) === 2), 'the next message');
      // Evicted during the backoff, the record would have come back as a fresh first attempt.
      expect(recorder.invocations.map((i) => [n(i.payload), i.attempt])).toEqual([[1, 1], [1, 2], [2, 1]]);
      expect(recorder.invocations[1].at - recorder.invocations[0].at).toBeGreaterThanOrEqual(9000);
    }, TIMEOUT_MS);

    redisScenarios(target, { binder, start });
    crashScenario(target.name, target.crash);
    retryTopicsCrashScenario(target.name, target.crash);
  });
}

