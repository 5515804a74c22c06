/** Fills listener parameters from a record (or batch) and calls the method. */
import type { InboundRecord } from '../../binder/Binder';
import type { ConverterRegistry } from '../conversion';
import { headersOf, headerValue } from '../headers';
import type { ListenerMethod, ParameterPlan } from '../model';
import { InboundRecordContext, type ListenerAcknowledgment } from './context';

/** One record with its payload decoded lazily per target type (conditions use the untyped one). */
export class DecodedRecord {
  private readonly byType = new Map<Function | undefined, unknown>();
  readonly headers: Record<string, string>;
  readonly contentType: string;

  constructor(
    readonly record: InboundRecord,
    defaultContentType: string,
    private readonly converters: ConverterRegistry,
  ) {
    this.headers = headersOf(record);
    this.contentType = headerValue(record, 'content-type') ?? defaultContentType;
  }

  /** Throws MessageConversionError when the bytes do not match the content type. */
  payload(targetType?: Function): unknown {
    const type = targetType === Object ? undefined : targetType;
    if (!this.byType.has(type)) this.byType.set(type, this.converters.decode(this.record.value, this.contentType, type));
    return this.byType.get(type);
  }
}

function argument(plan: ParameterPlan, decoded: DecodedRecord, ack: ListenerAcknowledgment, attempt: number): unknown {
  switch (plan.kind) {
    case 'payload':
      return decoded.payload(plan.targetType);
    case 'header':
      return decoded.headers[plan.name];
    case 'headers':
      return { ...decoded.headers };
    case 'ack':
      return ack;
    case 'context':
      return new InboundRecordContext(decoded.record, attempt);
  }
}

function batchArgument(plan: ParameterPlan, decoded: DecodedRecord[], ack: ListenerAcknowledgment, attempt: number): unknown {
  switch (plan.kind) {
    case 'payload':
      return decoded.map((d) => d.payload());
    case 'header':
      return decoded.map((d) => d.headers[plan.name]);
    case 'headers':
      return decoded.map((d) => ({ ...d.headers }));
    case 'ack':
      return ack;
    case 'context':
      return decoded.map((d) => new InboundRecordContext(d.record, attempt));
  }
}

export async function invokeListener(
  listener: ListenerMethod,
  instance: object,
  input: DecodedRecord | DecodedRecord[],
  ack: ListenerAcknowledgment,
  attempt: number,
): Promise<unknown> {
  const args = listener.parameters.map((plan) =>
    Array.isArray(input) ? batchArgument(plan, input, ack, attempt) : argument(plan, input, ack, attempt),
  );
  const method = (instance as Record<string, (...a: unknown[]) => unknown>)[listener.method];
  return await method.apply(instance, args);
}

/** The listeners whose condition accepts the record (all of them when none has a condition). */
export function matchingListeners(listeners: ListenerMethod[], decoded: DecodedRecord): ListenerMethod[] {
  if (listeners.every((l) => l.condition === undefined)) return listeners;
  return listeners.filter((l) => l.condition === undefined || l.condition({ payload: decoded.payload(), headers: decoded.headers }));
}
