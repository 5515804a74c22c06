/**
 * Tracing through record headers, on the OpenTelemetry API: a send runs in a producer span whose
 * context goes out as `traceparent`/`tracestate`; a listener runs in a consumer span continuing the
 * trace of the record it handles. Names and attributes follow OpenTelemetry's messaging semantic
 * conventions for Kafka. Made only when a tracer provider is registered: without one, bindery
 * creates no span, reads no header and wraps nothing.
 */
import {
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  isSpanContextValid,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { InboundRecord, OutboundRecord, RecordHeader, SendResult } from '../../binder/Binder';
import { headerValue } from '../headers';
import type { ConsumerDefinition } from '../model';
import { NO_LISTENER_OBSERVER, type ListenerObserver, type ProcessingOutcome } from './observers';

const TRACER_NAME = 'bindery';

/** W3C Trace Context header names. */
const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';

/** Attribute names of the messaging semantic conventions (Kafka). */
export const MESSAGING = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  consumerGroup: 'messaging.consumer.group.name',
  kafkaConsumerGroup: 'messaging.kafka.consumer.group',
  key: 'messaging.kafka.message.key',
  offset: 'messaging.kafka.offset',
  batchCount: 'messaging.batch.message_count',
} as const;

const headerGetter: TextMapGetter<InboundRecord> = {
  get: (record, key) => headerValue(record, key),
  keys: (record) => record.headers.map((h) => h.key),
};

const headerSetter: TextMapSetter<RecordHeader[]> = {
  set(headers, key, value) {
    for (let i = headers.length - 1; i >= 0; i--) if (headers[i].key.toLowerCase() === key) headers.splice(i, 1);
    headers.push({ key, value: Buffer.from(value, 'utf8') });
  },
};

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** `traceparent` as W3C Trace Context writes it, for when no propagator is registered. */
function injectW3C(ctx: Context, headers: RecordHeader[]): void {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return;
  headerSetter.set(headers, TRACEPARENT, `00-${span.traceId}-${span.spanId}-${hex2(span.traceFlags & 0xff)}`);
  const state = span.traceState?.serialize();
  if (state) headerSetter.set(headers, TRACESTATE, state);
}

const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function extractW3C(record: InboundRecord): Context {
  const parent = headerValue(record, TRACEPARENT);
  const m = parent === undefined ? null : TRACEPARENT_FORMAT.exec(parent.trim());
  if (!m || m[1] === 'ff') return ROOT_CONTEXT;
  const spanContext = { traceId: m[2], spanId: m[3], traceFlags: parseInt(m[4], 16) & 1, isRemote: true };
  if (!isSpanContextValid(spanContext)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

/** The key as text when it is UTF-8 (the conventions leave out keys with no canonical text form). */
function keyText(key: Buffer | null | undefined): string | undefined {
  if (!key) return undefined;
  const text = key.toString('utf8');
  return Buffer.byteLength(text) === key.length && !text.includes('\uFFFD') ? text : undefined;
}

const errorType = (error: unknown): string => (error instanceof Error ? error.constructor.name : typeof error);

export interface TracingOptions {
  /** Where spans go; default: the globally registered one (`trace.setGlobalTracerProvider`, an SDK's start()). */
  tracerProvider?: TracerProvider;
}

export class MessagingTracing {
  /** The consumer span of each record being handled, for the container's retry and outcome reports. */
  private readonly spans = new WeakMap<InboundRecord, Span>();
  /** Consumer options handed to the binder, and the binding they are for. */
  private readonly bindings = new WeakMap<object, ConsumerDefinition>();
  /** Whether a propagator is registered (else bindery writes and reads W3C headers itself). */
  private readonly propagating: boolean;

  private constructor(private readonly tracer: Tracer) {
    this.propagating = propagation.fields().length > 0;
  }

  /**
   * Tracing through `provider`, or through the registered one; undefined when that is
   * OpenTelemetry's no-op provider (no SDK registered), so nothing is traced and nothing costs.
   */
  static create(options: TracingOptions = {}): MessagingTracing | undefined {
    const provider = options.tracerProvider ?? trace.getTracerProvider();
    const tracer = provider instanceof ProxyTracerProvider ? provider.getDelegateTracer(TRACER_NAME) : provider.getTracer(TRACER_NAME);
    return tracer === undefined ? undefined : new MessagingTracing(tracer);
  }

  /** The context a record carries: its producer's span, else the root (a new trace). */
  extract(record: InboundRecord): Context {
    return this.propagating ? propagation.extract(ROOT_CONTEXT, record, headerGetter) : extractW3C(record);
  }

  /**
   * Sends `record` in a producer span, child of the active context, whose context the record
   * carries in its headers.
   */
  send(destination: string, record: OutboundRecord, sending: (record: OutboundRecord) => Promise<SendResult>): Promise<SendResult> {
    const attributes: Attributes = {
      [MESSAGING.system]: 'kafka',
      [MESSAGING.operationType]: 'send',
      [MESSAGING.operationName]: 'send',
      [MESSAGING.destination]: destination,
    };
    const key = keyText(record.key);
    if (key !== undefined) attributes[MESSAGING.key] = key;
    if (record.partition !== undefined) attributes[MESSAGING.partition] = String(record.partition);
    const span = this.tracer.startSpan(`send ${destination}`, { kind: SpanKind.PRODUCER, attributes });
    const headers = record.headers ? [...record.headers] : [];
    const ctx = trace.setSpan(context.active(), span);
    if (this.propagating) propagation.inject(ctx, headers, headerSetter);
    else injectW3C(ctx, headers);
    let result: Promise<SendResult>;
    try {
      result = sending({ ...record, headers });
    } catch (error) {
      this.fail(span, error);
      span.end();
      throw error;
    }
    result.then(
      (sent) => {
        span.setAttribute(MESSAGING.partition, String(sent.partition));
        if (sent.offset >= 0) span.setAttribute(MESSAGING.offset, sent.offset);
        span.end();
      },
      (error: unknown) => {
        this.fail(span, error);
        span.end();
      },
    );
    return result;
  }

  /** Runs `handle` in a consumer span for `records` (one, or a batch listener's batch) of `definition`. */
  async process(definition: ConsumerDefinition, records: InboundRecord[], handle: () => Promise<void>): Promise<void> {
    const first = records[0];
    const attributes: Attributes = {
      [MESSAGING.system]: 'kafka',
      [MESSAGING.operationType]: 'process',
      [MESSAGING.operationName]: 'process',
      [MESSAGING.destination]: first.topic,
      [MESSAGING.partition]: String(first.partition),
    };
    if (definition.group !== undefined) {
      attributes[MESSAGING.consumerGroup] = definition.group;
      attributes[MESSAGING.kafkaConsumerGroup] = definition.group;
    }
    let parent: Context = ROOT_CONTEXT;
    let links: Link[] | undefined;
    if (records.length === 1) {
      attributes[MESSAGING.offset] = first.offset;
      const key = keyText(first.key);
      if (key !== undefined) attributes[MESSAGING.key] = key;
      parent = this.extract(first);
    } else {
      // A batch has many producers: each record's context is a link, as the conventions say.
      attributes[MESSAGING.batchCount] = records.length;
      links = [];
      for (const r of records) {
        const sc = trace.getSpanContext(this.extract(r));
        if (sc) links.push({ context: sc });
      }
    }
    const span = this.tracer.startSpan(`process ${first.topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
    for (const r of records) this.spans.set(r, span);
    try {
      await context.with(trace.setSpan(parent, span), handle);
    } catch (error) {
      this.fail(span, error);
      throw error;
    } finally {
      span.end();
      for (const r of records) this.spans.delete(r);
    }
  }

  /** The binding a consumer options object was made for (see listener().consumerOptions). */
  bindingOf(options: object): ConsumerDefinition | undefined {
    return this.bindings.get(options);
  }

  /** The listener container's reports, as events and status on the record's consumer span. */
  listener(definition: ConsumerDefinition): ListenerObserver {
    const spans = this.spans;
    const bindings = this.bindings;
    return {
      ...NO_LISTENER_OBSERVER,
      retried(record: InboundRecord): void {
        const span = spans.get(record);
        span?.addEvent('retry', { 'messaging.kafka.offset': record.offset });
      },
      processed(record: InboundRecord, outcome: ProcessingOutcome): void {
        const span = spans.get(record);
        if (!span) return;
        span.setAttribute('bindery.outcome', outcome);
        if (outcome === 'dead_lettered') span.setStatus({ code: SpanStatusCode.ERROR, message: 'attempts exhausted: sent to the dead-letter topic' });
        else if (outcome === 'failure') span.setStatus({ code: SpanStatusCode.ERROR, message: 'attempts exhausted: skipped' });
      },
      deadLetterSent(record: InboundRecord): void {
        spans.get(record)?.addEvent('dead_letter');
      },
      consumerOptions(options) {
        bindings.set(options, definition);
        return options;
      },
    };
  }

  private fail(span: Span, error: unknown): void {
    span.setAttribute('error.type', errorType(error));
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
}
