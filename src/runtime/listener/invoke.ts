/** Fills listener parameters from a record (or batch) and calls the method. */
import type { ConsumerSession, InboundRecord } from '../../binder/Binder';
import type { ConverterRegistry } from '../conversion';
import { headersOf, headerValue, rawHeaderValue } from '../headers';
import type { ListenerMethod, ParameterPlan } from '../model';
import { InboundRecordContext, type ListenerAcknowledgment } from './context';

const NOT_DECODED: unique symbol = Symbol('not decoded');

/**
 * One record with its payload decoded lazily per target type (conditions use the untyped one).
 * Headers and the per-type cache are built only when asked for: most listeners take one @Payload.
 */
export class DecodedRecord {
  private untyped: unknown = NOT_DECODED;
  private byType: Map<Function, unknown> | undefined;
  private headersCache: Record<string, string> | undefined;
  private contentTypeCache: string | undefined;

  constructor(
    readonly record: InboundRecord,
    private readonly defaultContentType: string,
    private readonly converters: ConverterRegistry,
    /** The binder session the record came in: RecordContext's seek and pause go to it. */
    readonly session: ConsumerSession,
  ) {}

  get headers(): Record<string, string> {
    return (this.headersCache ??= headersOf(this.record));
  }

  get contentType(): string {
    return (this.contentTypeCache ??= headerValue(this.record, 'content-type') ?? this.defaultContentType);
  }

  /** Throws MessageConversionError when the bytes do not match the content type. */
  payload(targetType?: Function): unknown {
    if (targetType === undefined || targetType === Object) {
      if (this.untyped === NOT_DECODED) this.untyped = this.converters.decode(this.record.value, this.contentType, undefined);
      return this.untyped;
    }
    const byType = (this.byType ??= new Map());
    if (!byType.has(targetType)) byType.set(targetType, this.converters.decode(this.record.value, this.contentType, targetType));
    return byType.get(targetType);
  }
}

function argument(plan: ParameterPlan, decoded: DecodedRecord, ack: ListenerAcknowledgment | undefined, attempt: number): unknown {
  switch (plan.kind) {
    case 'payload':
      return decoded.payload(plan.targetType);
    case 'header':
      return plan.raw ? rawHeaderValue(decoded.record, plan.name) : decoded.headers[plan.name];
    case 'headers':
      return { ...decoded.headers };
    case 'ack':
      return ack;
    case 'context':
      return new InboundRecordContext(decoded.record, attempt, decoded.session);
  }
}

function batchArgument(plan: ParameterPlan, decoded: DecodedRecord[], ack: ListenerAcknowledgment | undefined, attempt: number): unknown {
  switch (plan.kind) {
    case 'payload':
      return decoded.map((d) => d.payload());
    case 'header':
      return decoded.map((d) => (plan.raw ? rawHeaderValue(d.record, plan.name) : d.headers[plan.name]));
    case 'headers':
      return decoded.map((d) => ({ ...d.headers }));
    case 'ack':
      return ack;
    case 'context':
      return decoded.map((d) => new InboundRecordContext(d.record, attempt, d.session));
  }
}

/**
 * Calls the listener method and returns what it returned (a promise when the method is async):
 * the caller awaits only thenables, so a synchronous listener costs no promise. `ack` is
 * undefined only when no parameter takes one.
 */
export function invokeListener(
  listener: ListenerMethod,
  instance: object,
  input: DecodedRecord | DecodedRecord[],
  ack: ListenerAcknowledgment | undefined,
  attempt: number,
): unknown {
  const plans = listener.parameters;
  const args = new Array<unknown>(plans.length);
  if (Array.isArray(input)) for (let i = 0; i < plans.length; i++) args[i] = batchArgument(plans[i], input, ack, attempt);
  else for (let i = 0; i < plans.length; i++) args[i] = argument(plans[i], input, ack, attempt);
  const method = (instance as Record<string, (...a: unknown[]) => unknown>)[listener.method];
  return method.apply(instance, args);
}

/** Whether a value is a promise or promise-like (then it must be awaited). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** The listeners whose condition accepts the record. Call only when at least one listener has a condition. */
export function matchingListeners(listeners: ListenerMethod[], decoded: DecodedRecord): ListenerMethod[] {
  return listeners.filter((l) => l.condition === undefined || l.condition({ payload: decoded.payload(), headers: decoded.headers }));
}
