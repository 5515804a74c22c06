/**
 * Tracing across topics, with an in-memory exporter from the OpenTelemetry SDK registered as the
 * global tracer provider: app.send → listener → @SendTo → second listener is one trace. Run on the
 * native binder and the kafka binder against `bindery broker` by tracing.test.ts, and against
 * Apache Kafka by test/kafka/tracing.kafka.test.ts.
 */
import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Bindery, EnableBinding, Input, Output, Payload, SendTo, StreamListener, silentLogger, type BinderyConfig, type InputChannel, type MessageChannel } from '../../../src';
import { RecordingClock } from '../framework/support';

class Shipping {
  @Input('orders') readonly orders!: InputChannel;
  @Output('shipments') readonly shipments!: MessageChannel;
  @Input('delivery') readonly delivery!: InputChannel;
}

interface Order {
  id: string;
  failures?: number;
}

@EnableBinding(Shipping)
class Warehouse {
  readonly delivered: string[] = [];
  private readonly failed = new Map<string, number>();

  @StreamListener('orders')
  @SendTo('shipments')
  pack(@Payload() order: Order): { id: string } {
    const seen = this.failed.get(order.id) ?? 0;
    if (seen < (order.failures ?? 0)) {
      this.failed.set(order.id, seen + 1);
      throw new Error(`packing ${order.id} failed`);
    }
    return { id: order.id };
  }

  @StreamListener('delivery')
  deliver(@Payload() shipment: { id: string }): void {
    this.delivered.push(shipment.id);
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function tracingScenarios(binderConfig: () => BinderyConfig): void {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();
  let app: Bindery | undefined;
  let run = 0;
  let topics = { orders: '', shipments: '' };
  let group = '';

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });

  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });

  beforeEach(() => {
    run++;
    const id = `${Date.now()}-${run}`;
    topics = { orders: `orders-${id}`, shipments: `shipments-${id}` };
    group = `warehouse-${id}`;
    exporter.reset();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(consumer: Record<string, unknown> = {}): Promise<Bindery> {
    app = await Bindery.create({
      services: [Warehouse],
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
      clock: new RecordingClock(),
      config: {
        ...binderConfig(),
        bindings: {
          orders: { destination: topics.orders, group, consumer: { enableDlq: true, ...consumer } },
          shipments: { destination: topics.shipments },
          delivery: { destination: topics.shipments, group: `${group}-delivery` },
        },
      },
    });
    await app.start();
    return app;
  }

  const spansNamed = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);
  const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

  it('app.send → listener → @SendTo → second listener is one trace, each span the child of the one before', async () => {
    const a = await start();
    await a.send(topics.orders, { id: 'o-1' }, { key: 'customer-7' });
    await waitFor('the shipment delivered', () => (a.get(Warehouse).delivered.includes('o-1') ? true : undefined));
    const deliver = await waitFor('the second listener span', () => spansNamed(`process ${topics.shipments}`)[0]);
    const [sendOrder] = spansNamed(`send ${topics.orders}`);
    const [pack] = spansNamed(`process ${topics.orders}`);
    const [sendShipment] = spansNamed(`send ${topics.shipments}`);

    expect([pack, sendShipment, deliver].map((s) => s.spanContext().traceId)).toEqual(Array(3).fill(sendOrder.spanContext().traceId));
    expect(parentOf(sendOrder)).toBeUndefined();
    expect(parentOf(pack)).toBe(sendOrder.spanContext().spanId);
    expect(parentOf(sendShipment)).toBe(pack.spanContext().spanId);
    expect(parentOf(deliver)).toBe(sendShipment.spanContext().spanId);

    expect(sendOrder.kind).toBe(SpanKind.PRODUCER);
    expect(sendOrder.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topics.orders,
      'messaging.kafka.message.key': 'customer-7',
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
    });
    expect(pack.kind).toBe(SpanKind.CONSUMER);
    expect(pack.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': topics.orders,
      'messaging.consumer.group.name': group,
      'messaging.kafka.consumer.group': group,
      'messaging.kafka.message.key': 'customer-7',
      'messaging.kafka.offset': 0,
      'messaging.destination.partition.id': '0',
    });
    // @SendTo keeps the incoming key.
    expect(deliver.attributes).toMatchObject({ 'messaging.destination.name': topics.shipments, 'messaging.kafka.message.key': 'customer-7' });
    expect(pack.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('a send made inside an active span continues that trace', async () => {
    const a = await start();
    const outer = trace.getTracer('test').startSpan('checkout');
    await context.with(trace.setSpan(context.active(), outer), () => a.send(topics.orders, { id: 'o-2' }));
    outer.end();
    const deliver = await waitFor('the second listener span', () => spansNamed(`process ${topics.shipments}`)[0]);
    const [sendOrder] = spansNamed(`send ${topics.orders}`);
    expect(parentOf(sendOrder)).toBe(outer.spanContext().spanId);
    expect(deliver.spanContext().traceId).toBe(outer.spanContext().traceId);
  });

  it('a record with no traceparent starts a new trace', async () => {
    const a = await start();
    // The raw producer binding: a client that sets no trace headers.
    const raw = await a.binder.bindProducer(topics.orders);
    await raw.send({ key: null, value: Buffer.from(JSON.stringify({ id: 'o-3' })), headers: [{ key: 'content-type', value: Buffer.from('application/json') }] });
    const pack = await waitFor('the listener span', () => spansNamed(`process ${topics.orders}`)[0]);
    await raw.close();
    expect(parentOf(pack)).toBeUndefined();
    expect(spansNamed(`send ${topics.orders}`)).toHaveLength(0);
    const deliver = await waitFor('the second listener span', () => spansNamed(`process ${topics.shipments}`)[0]);
    expect(deliver.spanContext().traceId).toBe(pack.spanContext().traceId);
  });

  it('retries are events on the span; a dead-lettered record ends its span with an error status', async () => {
    const a = await start({ maxAttempts: 3 });
    await a.send(topics.orders, { id: 'o-4', failures: 5 });
    const pack = await waitFor('the listener span', () => spansNamed(`process ${topics.orders}`)[0]);
    expect(pack.events.filter((e) => e.name === 'retry')).toHaveLength(2);
    expect(pack.status.code).toBe(SpanStatusCode.ERROR);
    // The dead-letter send is a child of the consumer span.
    const dlq = spansNamed(`send error.${topics.orders}.${group}`);
    expect(dlq.map(parentOf)).toEqual([pack.spanContext().spanId]);
    expect(a.get(Warehouse).delivered).toEqual([]);
  });

  it('one span per record when a batch of records arrives, each continuing its own trace', async () => {
    const a = await start();
    const sends = [];
    for (let i = 0; i < 5; i++) sends.push(a.send(topics.orders, { id: `b-${i}` }));
    await Promise.all(sends);
    await waitFor('all shipments delivered', () => (a.get(Warehouse).delivered.length === 5 ? true : undefined));
    const packs = await waitFor('five listener spans', () => {
      const found = spansNamed(`process ${topics.orders}`);
      return found.length === 5 ? found : undefined;
    });
    const sent = spansNamed(`send ${topics.orders}`);
    const parentBySpan = new Map(sent.map((s) => [s.spanContext().spanId, s.spanContext().traceId]));
    for (const p of packs) expect(parentBySpan.get(parentOf(p)!)).toBe(p.spanContext().traceId);
    expect(new Set(packs.map((p) => p.spanContext().traceId)).size).toBe(5);
  });
}
