/**
 * Request-reply, the MessageSender and several binders in one app, run the same on every binder:
 * each application is handed the binder under test as its default binder.
 */
import { randomBytes } from 'node:crypto';
import {
  Bindery,
  CORRELATION_ID_HEADER,
  KafkaListener,
  LifecycleError,
  MessageSender,
  Payload,
  REPLY_PARTITION_HEADER,
  REPLY_TOPIC_HEADER,
  RemoteReplyError,
  RequestTimeoutError,
  Requester,
  SendTo,
  silentLogger,
  type Binder,
  type BinderyConfig,
  type InboundRecord,
  type ServiceEntry,
} from '../../../src';
import { waitFor } from '../framework/support';

/** Topics of one suite run: several suites share a broker, so names carry the run's id. */
export interface SuiteTopics {
  rpc: string;
  failing: string;
  slow: string;
  unanswered: string;
  rebalance: string;
  sent: string;
  other: string;
  multi: string;
}

class ValidationError extends Error {}

/** Replies to `rpc` (a return value, no @SendTo) and fails on `failing`. */
function replierClasses(t: SuiteTopics) {
  class Calculator {
    served = 0;
    @KafkaListener({ id: 'calculator', topics: t.rpc, groupId: `calculator-${t.rpc}` })
    square(@Payload() request: { n: number }): { square: number } {
      this.served++;
      return { square: request.n * request.n };
    }

    @KafkaListener({ id: 'validator', topics: t.failing, groupId: `validator-${t.failing}`, properties: { maxAttempts: 1 } })
    validate(@Payload() request: { n: number }): never {
      throw new ValidationError(`n must be even, got ${request.n}`);
    }
  }
  /** Forwards with @SendTo, but a request is answered to its reply topic instead. */
  class Echo {
    release: () => void = () => undefined;
    private gate: Promise<void> | undefined;
    hold(): void {
      this.gate = new Promise((resolve) => (this.release = resolve));
    }
    @KafkaListener({ id: 'echo', topics: t.slow, groupId: `echo-${t.slow}` })
    @SendTo(t.other)
    async echo(@Payload() text: string): Promise<string> {
      await this.gate;
      return text.toUpperCase();
    }
  }
  return { Calculator, Echo };
}

export function messagingSuite(name: string, binderFactory: () => Promise<Binder>, options: { partitions?: number } = {}): void {
  describe(`messaging on ${name}`, () => {
    let binder: Binder;
    const apps: Bindery[] = [];
    const run = randomBytes(4).toString('hex');
    const t: SuiteTopics = {
      rpc: `rpc-${run}`,
      failing: `failing-${run}`,
      slow: `slow-${run}`,
      unanswered: `unanswered-${run}`,
      rebalance: `rebalance-${run}`,
      sent: `sent-${run}`,
      other: `other-${run}`,
      multi: `multi-${run}`,
    };
    const { Calculator, Echo } = replierClasses(t);

    async function app(services: ServiceEntry[], config: BinderyConfig = {}, metrics = false): Promise<Bindery> {
      const created = await Bindery.create({ services, binder, config, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false, metrics });
      apps.push(created);
      await created.start();
      return created;
    }

    beforeAll(async () => {
      binder = await binderFactory();
      for (const topic of Object.values(t)) await binder.provisionTopic(topic, options.partitions ?? 2);
      await binder.provisionTopic(t.rebalance, 4);
    });
    afterEach(async () => {
      // Each test's replier groups end with it, so the next test's members are the only ones.
      for (const a of apps.splice(0).reverse()) await a.close();
    });
    afterAll(async () => {
      await binder?.close();
    });

    describe('request-reply', () => {
      it('a listener that returns a value replies to the requester', async () => {
        const replier = await app([Calculator]);
        const requester = (await app([])).get(Requester);
        await expect(requester.request(t.rpc, { n: 7 })).resolves.toEqual({ square: 49 });
        const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => requester.request<{ square: number }>(t.rpc, { n }, { key: `k${n}` })));
        expect(answers.map((a) => a.square)).toEqual([1, 4, 9, 16, 25]);
        expect(replier.get(Calculator).served).toBe(6);
        expect(requester.replyTopics).toHaveLength(1);
      });

      it('a listener with @SendTo replies to the reply topic when the record is a request', async () => {
        await app([Echo]);
        const requester = (await app([])).get(Requester);
        await expect(requester.request(t.slow, 'hello', { contentType: 'text/plain' })).resolves.toBe('HELLO');
      });

      it("the replier's error comes back as a typed error reply: class name and message, no stack", async () => {
        await app([Calculator]);
        const requester = (await app([])).get(Requester);
        const error = (await requester.request(t.failing, { n: 3 }).catch((e: unknown) => e)) as RemoteReplyError;
        expect(error).toBeInstanceOf(RemoteReplyError);
        expect(error.remoteClass).toBe('ValidationError');
        expect(error.remoteMessage).toBe('n must be even, got 3');
        expect(error.remoteStack).toBeUndefined();
        expect(error.message).toContain(`The replier of '${t.failing}' failed`);
      });

      it('the stack comes along when requestReply.errorStackTrace is set', async () => {
        await app([Calculator], { requestReply: { errorStackTrace: true } });
        const requester = (await app([])).get(Requester);
        const error = (await requester.request(t.failing, { n: 5 }).catch((e: unknown) => e)) as RemoteReplyError;
        expect(error.remoteStack).toContain('n must be even, got 5');
        expect(error.remoteStack).toContain('validate');
      });

      it('a destination with no replier times out with RequestTimeoutError naming it and the correlation id', async () => {
        const requester = (await app([])).get(Requester);
        const error = (await requester.request(t.unanswered, { n: 1 }, { timeoutMs: 300 }).catch((e: unknown) => e)) as RequestTimeoutError;
        expect(error).toBeInstanceOf(RequestTimeoutError);
        expect(error.destination).toBe(t.unanswered);
        expect(error.correlationId).toMatch(/^[0-9a-f]{32}$/);
        expect(error.message).toContain(`'${t.unanswered}'`);
        expect(error.message).toContain(error.correlationId);
        expect(requester.pendingRequests).toBe(0);
      });

      it('a late reply and a reply with an unknown correlation id are dropped and counted', async () => {
        const replier = await app([Echo]);
        replier.get(Echo).hold();
        const requesting = await app([], {}, true);
        const requester = requesting.get(Requester);
        await expect(requester.request(t.slow, 'late', { contentType: 'text/plain', timeoutMs: 200 })).rejects.toBeInstanceOf(RequestTimeoutError);
        replier.get(Echo).release();
        await waitFor(() => requester.droppedReplies.late === 1, 20000, 'the late reply counted');

        const [replyTopic] = requester.replyTopics;
        const raw = await binder.bindProducer(replyTopic);
        await raw.send({ value: Buffer.from('"stray"'), headers: [{ key: CORRELATION_ID_HEADER, value: randomBytes(16) }] });
        await raw.close();
        await waitFor(() => requester.droppedReplies.unknown === 1, 20000, 'the unknown reply counted');
        expect(requester.droppedReplies).toEqual({ late: 1, unknown: 1 });
        const exposition = await requesting.metrics!.registry.metrics();
        expect(exposition).toContain('bindery_requester_replies_dropped_total{reason="late"} 1');
        expect(exposition).toContain('bindery_requester_replies_dropped_total{reason="unknown"} 1');
      });

      it('a Spring-style requester setting only the three kafka_* headers gets its reply, on the partition it named', async () => {
        await app([Calculator]);
        const replyTopic = `spring-replies-${run}`;
        await binder.provisionTopic(replyTopic, 3);
        const replies: InboundRecord[] = [];
        const consumer = await binder.bindConsumer(replyTopic, { startOffset: 'earliest' }, async (batch) => void replies.push(...batch.records));
        const producer = await binder.bindProducer(t.rpc);
        const correlation = randomBytes(16);
        const partition = Buffer.alloc(4);
        partition.writeInt32BE(2);
        await producer.send({
          value: Buffer.from(JSON.stringify({ n: 12 })),
          headers: [
            { key: REPLY_TOPIC_HEADER, value: Buffer.from(replyTopic) },
            { key: REPLY_PARTITION_HEADER, value: partition },
            { key: CORRELATION_ID_HEADER, value: correlation },
          ],
        });
        await producer.close();
        await waitFor(() => replies.length === 1, 20000, 'the reply');
        await consumer.stop();
        const [reply] = replies;
        expect(reply.partition).toBe(2);
        expect(JSON.parse(reply.value!.toString())).toEqual({ square: 144 });
        expect(reply.headers.find((h) => h.key === CORRELATION_ID_HEADER)?.value).toEqual(correlation);
      });

      it('requester instances read reply topics of their own: one leaving mid-stream costs the other no reply', async () => {
        await app([Calculator]);
        const a = await app([]);
        const b = await app([]);
        const first = a.get(Requester);
        const second = b.get(Requester);
        const fromFirst = [1, 2, 3].map((n) => first.request<{ square: number }>(t.rpc, { n }, { timeoutMs: 30000 }));
        const fromSecond: Promise<{ square: number }>[] = [];
        for (let n = 10; n < 40; n++) {
          fromSecond.push(second.request<{ square: number }>(t.rpc, { n }, { timeoutMs: 30000 }));
          if (n === 20) {
            await Promise.all(fromFirst);
            await a.close();
          }
        }
        expect((await Promise.all(fromSecond)).map((r) => r.square)).toEqual(Array.from({ length: 30 }, (_, i) => (i + 10) ** 2));
        expect(first.replyTopics[0]).not.toBe(second.replyTopics[0]);
        expect(second.droppedReplies).toEqual({ late: 0, unknown: 0 });
      });

      it('loses no reply while the replier group rebalances mid-stream', async () => {
        class Member {
          served = 0;
          @KafkaListener({ id: 'member', topics: t.rebalance, groupId: `members-${t.rebalance}` })
          handle(@Payload() request: { i: number }): { i: number } {
            this.served++;
            return { i: request.i };
          }
        }
        const first = await app([Member]);
        const requester = (await app([])).get(Requester);
        const total = 120;
        let answered = 0;
        let second: Bindery | undefined;
        const requests: Promise<{ i: number }>[] = [];
        for (let i = 0; i < total; i++) {
          requests.push(requester.request<{ i: number }>(t.rebalance, { i }, { key: `key-${i}`, timeoutMs: 60000 }).then((r) => (answered++, r)));
          if (i === 30) {
            // A second member joins: the group rebalances while requests are in flight.
            await waitFor(() => answered >= 10, 30000, 'replies before the rebalance');
            second = await app([Member]);
          }
          if (i === 80) {
            await waitFor(() => second!.get(Member).served > 0 || answered >= 60, 30000, 'the second member serving');
            await first.stopBinding('member');
          }
          if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        const replies = await Promise.all(requests);
        expect(replies.map((r) => r.i)).toEqual([...Array(total).keys()]);
        // Both members served (a rebalance really moved partitions); redeliveries may make it more than `total`.
        expect(first.get(Member).served).toBeGreaterThan(0);
        expect(second!.get(Member).served).toBeGreaterThan(0);
        expect(first.get(Member).served + second!.get(Member).served).toBeGreaterThanOrEqual(total);
      });
    });

    describe('MessageSender', () => {
      it('is injectable and sends by binding name with its settings, by destination with the defaults; sendMany keeps order; flush', async () => {
        const received: Array<{ topic: string; value: string; contentType: string | undefined }> = [];
        const consumer = await binder.bindConsumer([t.sent, t.other], { group: `raw-${t.sent}`, startOffset: 'earliest' }, async (batch) => {
          for (const r of batch.records) {
            received.push({ topic: r.topic, value: r.value?.toString() ?? '', contentType: r.headers.find((h) => h.key === 'content-type')?.value?.toString() });
          }
        });
        const sending = await app([], {
          bindings: { notices: { destination: t.other, contentType: 'text/plain', producer: { partitionCount: 1 } } },
        });
        const sender = sending.get(MessageSender);
        await sender.send('notices', 'hello');
        await sender.send(t.sent, { a: 1 }, { key: 'k' });
        const results = await sender.sendMany(t.sent, [{ payload: { seq: 1 }, key: 'same' }, { payload: { seq: 2 }, key: 'same' }, { payload: { seq: 3 }, key: 'same' }]);
        expect(results.map((r) => r.topic)).toEqual([t.sent, t.sent, t.sent]);
        expect(results[1].offset).toBeGreaterThan(results[0].offset);
        await sender.flush();
        await waitFor(() => received.length === 5, 20000, 'five messages');
        await consumer.stop();
        expect(received.filter((m) => m.topic === t.other)).toEqual([{ topic: t.other, value: 'hello', contentType: 'text/plain' }]);
        const sent = received.filter((m) => m.topic === t.sent);
        expect(sent.map((m) => m.contentType)).toEqual(['application/json', 'application/json', 'application/json', 'application/json']);
        expect(sent.slice(1).map((m) => JSON.parse(m.value).seq)).toEqual([1, 2, 3]);
      });

      it("a binding's producer settings apply to sends by its name, the default producer settings to any other destination", async () => {
        const single = `single-${run}`;
        const spread = `spread-${run}`;
        const created = await app([], { default: { producer: { partitionCount: 3 } }, bindings: { ledger: { destination: single, producer: { partitionCount: 1 } } } });
        const sender = created.get(MessageSender);
        const keys = Array.from({ length: 30 }, (_, i) => ({ payload: { i }, key: `customer-${i}` }));
        const toBinding = await sender.sendMany('ledger', keys);
        const toDestination = await sender.sendMany(spread, keys);
        expect(new Set(toBinding.map((r) => `${r.topic}-${r.partition}`))).toEqual(new Set([`${single}-0`]));
        expect(new Set(toDestination.map((r) => r.partition))).toEqual(new Set([0, 1, 2]));
      });

      it('after close, sends and requests reject with LifecycleError; a request still waiting is rejected by the close', async () => {
        const created = await app([]);
        const waiting = created.get(Requester).request(t.unanswered, { n: 1 }, { timeoutMs: 30000 }).catch((e: unknown) => e);
        await waitFor(() => created.get(Requester).pendingRequests === 1, 20000, 'the request in flight');
        await created.close();
        expect(await waiting).toBeInstanceOf(LifecycleError);
        await expect(created.get(MessageSender).send(t.sent, { late: true })).rejects.toBeInstanceOf(LifecycleError);
        await expect(created.get(Requester).request(t.rpc, { n: 1 })).rejects.toBeInstanceOf(LifecycleError);
      });

      it('is injected into a service by its type', async () => {
        class Announcer {
          constructor(readonly sender: MessageSender, readonly requester: Requester) {}
        }
        Reflect.defineMetadata('design:paramtypes', [MessageSender, Requester], Announcer);
        const created = await app([Announcer]);
        expect(created.get(Announcer).sender).toBe(created.get(MessageSender));
        expect(created.get(Announcer).requester).toBe(created.get(Requester));
      });
    });

    describe('several binders in one app', () => {
      it('each binding uses its own binder; the default one needs no configuration', async () => {
        class TwoSides {
          readonly main: unknown[] = [];
          readonly side: unknown[] = [];
          @KafkaListener({ id: 'mainIn', topics: t.multi, groupId: `main-${t.multi}` })
          onMain(@Payload() p: unknown): void {
            this.main.push(p);
          }
          @KafkaListener({ id: 'sideIn', topics: t.multi, groupId: `side-${t.multi}` })
          onSide(@Payload() p: unknown): void {
            this.side.push(p);
          }
          @KafkaListener({ id: 'sideRpc', topics: t.multi + '-rpc', groupId: `side-rpc-${t.multi}` })
          reply(@Payload() p: { n: number }): { n: number } {
            return { n: p.n + 1 };
          }
        }
        const created = await app([TwoSides], {
          binders: { side: { type: 'test' } },
          bindings: {
            sideIn: { binder: 'side' },
            sideRpc: { binder: 'side' },
            sideOut: { destination: t.multi, binder: 'side' },
            sideRequests: { destination: t.multi + '-rpc', binder: 'side' },
          },
        });
        expect(created.binderOf('sideIn')).not.toBe(created.binder);
        expect(created.binderOf('mainIn')).toBe(created.binder);
        const sender = created.get(MessageSender);
        await sender.send('sideOut', { to: 'side' });
        await sender.send(t.multi, { to: 'main' });
        const service = created.get(TwoSides);
        await waitFor(() => service.main.length === 1 && service.side.length === 1, 20000, 'one message on each binder');
        expect(service.main).toEqual([{ to: 'main' }]);
        expect(service.side).toEqual([{ to: 'side' }]);
        // A request through the side binder is answered there, to a reply topic on that binder.
        await expect(created.get(Requester).request('sideRequests', { n: 1 })).resolves.toEqual({ n: 2 });
      });
    });
  });
}
