/** Record interceptors around a listener, and producer interceptors in front of the binder's producers. */
import type { ConsumedRecord, ProducedRecord, ProducerInterceptor, RecordInterceptor } from '../../annotations';
import { PlainInboundRecord } from '../../binder/consumer/PlainInboundRecord';
import type { Binder, InboundRecord, OutboundRecord, ProducerBinding, TransactionalProducer, TransactionalProducerOptions } from '../../binder/Binder';

/** The record interceptors of one listener, the application's first. */
export class RecordInterceptors {
  readonly any: boolean;

  constructor(
    private readonly list: RecordInterceptor[],
    private readonly listener: string,
  ) {
    this.any = list.length > 0;
  }

  /** The record the listener gets (changed or not), or null when an interceptor filtered it out. */
  before(record: InboundRecord): InboundRecord | null {
    let current: InboundRecord = record;
    for (const interceptor of this.list) {
      if (!interceptor.before) continue;
      const changed = interceptor.before(current, this.listener);
      if (changed === null) return null;
      if (changed !== undefined && changed !== current) current = inbound(changed);
    }
    return current;
  }

  success(record: InboundRecord): void {
    for (const interceptor of this.list) interceptor.afterSuccess?.(record, this.listener);
  }

  failure(record: InboundRecord, error: unknown): void {
    for (const interceptor of this.list) interceptor.afterFailure?.(record, error, this.listener);
  }
}

/** A changed record as the container handles it (fields read by name: a binder's record may decode headers lazily). */
function inbound(r: ConsumedRecord): InboundRecord {
  return new PlainInboundRecord(r.topic, r.partition, r.offset, r.timestamp, r.key, r.value, [...r.headers]);
}

/**
 * The binder with every producer binding passing its records through the interceptors first.
 * `interceptors` is read at each send: the application's own interceptor services join the list
 * once the container has built them.
 */
export function interceptingBinder(binder: Binder, interceptors: () => readonly ProducerInterceptor[]): Binder {
  const intercept = (topic: string, record: OutboundRecord): OutboundRecord => {
    let current: ProducedRecord = { topic, ...record, headers: [...(record.headers ?? [])] };
    for (const interceptor of interceptors()) current = interceptor.beforeSend(current) ?? current;
    const { topic: _topic, ...outbound } = current;
    return outbound;
  };
  const intercepted = async (destination: string, options: Parameters<Binder['bindProducer']>[1]): Promise<ProducerBinding> => {
    const binding = await binder.bindProducer(destination, options);
    return {
      destination: binding.destination,
      get outboxStatus() {
        return binding.outboxStatus;
      },
      send: (record) => binding.send(intercept(destination, record)),
      sendMany: (records) => binding.sendMany(records.map((r) => intercept(destination, r))),
      flush: () => binding.flush(),
      close: () => binding.close(),
    };
  };
  // A transaction's sends (app.transaction, transactional listeners, a send's own transaction) are sends too.
  const transactional = binder.transactionalProducer
    ? async (transactionalId: string, options?: TransactionalProducerOptions): Promise<TransactionalProducer> => {
        const producer = await binder.transactionalProducer!(transactionalId, options);
        return {
          transactionalId: producer.transactionalId,
          begin: () => producer.begin(),
          send: (topic, record) => producer.send(topic, intercept(topic, record)),
          sendOffsets: (group, offsets, metadata) => producer.sendOffsets(group, offsets, metadata),
          commit: () => producer.commit(),
          abort: () => producer.abort(),
          close: () => producer.close(),
        };
      }
    : undefined;
  // Everything but the producers is the binder's own, called on the binder (its optional methods included).
  return new Proxy(binder, {
    get(target, property) {
      if (property === 'bindProducer') return intercepted;
      if (property === 'transactionalProducer') return transactional;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
