/**
 * Producer side: one ProducerBinding per destination, bound on first use; output channels and
 * `app.send` convert the payload, set message-id and content-type headers, and send.
 */
import { MessageChannel, type SendOptions, type SendResult } from '../annotations';
import type { Binder, OutboundRecord, OutboxStatus, ProducerBinding, ProducerOptions } from '../binder/Binder';
import { CompressionType } from '../protocol/records/types';
import type { ProducerConfig } from './config/types';
import type { ConverterRegistry } from './conversion';
import { LifecycleError } from './errors';
import { keyBytes, OutboundHeaders } from './headers';
import type { ProducerDefinition } from './model';
import { NO_PRODUCER_OBSERVER, type ProducerObserver } from './observability/observers';

const COMPRESSION: Record<string, CompressionType> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

export function producerOptions(config: ProducerConfig): ProducerOptions {
  return {
    compression: config.compression ? COMPRESSION[config.compression] : undefined,
    batchSize: config.batchSize,
    lingerMs: config.lingerMs,
    acks: config.acks,
    idempotent: config.idempotent,
    partitionCount: config.partitionCount,
    outbox: config.outbox,
  };
}

export class Producers {
  private readonly bound = new Map<string, Promise<ProducerBinding>>();
  /** Bindings whose binding finished, for sends that need not wait on a promise. */
  private readonly ready = new Map<string, ProducerBinding>();
  /** Output bindings by destination (topic), for content type and producer settings. */
  private readonly byDestination = new Map<string, ProducerDefinition>();
  private readonly outboundHeaders = new OutboundHeaders();
  private closed = false;

  constructor(
    private readonly binder: Binder,
    private readonly definitions: Map<string, ProducerDefinition>,
    private readonly converters: ConverterRegistry,
    private readonly defaultContentType: string,
    private readonly observer: ProducerObserver = NO_PRODUCER_OBSERVER,
  ) {
    for (const d of definitions.values()) if (!this.byDestination.has(d.destination)) this.byDestination.set(d.destination, d);
  }

  /** The producer binding of a topic (bound once, shared). */
  binding(destination: string, config: ProducerConfig = {}): Promise<ProducerBinding> {
    if (this.closed) return Promise.reject(new LifecycleError(`Cannot send to '${destination}': the application is closed.`));
    let found = this.bound.get(destination);
    if (!found) {
      const definition = this.byDestination.get(destination);
      const binding = this.binder.bindProducer(destination, producerOptions(definition?.producer ?? config));
      found = binding;
      this.bound.set(destination, binding);
      // Registered before any send waits on it, so sends queued while binding go out first, in order.
      binding.then(
        (ready) => void (this.bound.get(destination) === binding && this.ready.set(destination, ready)),
        () => this.bound.delete(destination),
      );
    }
    return found;
  }

  sendRaw(destination: string, record: OutboundRecord): Promise<SendResult> {
    if (!this.closed) {
      // Per-message path: the binding is bound already, so no promise hop before the binder's send.
      const ready = this.ready.get(destination);
      if (ready !== undefined) {
        try {
          return this.observer.sending(destination, ready.send(record));
        } catch (error) {
          return Promise.reject(error);
        }
      }
    }
    return this.observer.sending(destination, this.binding(destination).then((binding) => binding.send(record)));
  }

  /** Converts and sends; the content type is the option's, else the binding's, else the default. */
  send(destination: string, payload: unknown, options: SendOptions = {}, bindingContentType?: string): Promise<SendResult> {
    let record: OutboundRecord;
    try {
      record = this.outbound(destination, payload, options, bindingContentType);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.sendRaw(destination, record);
  }

  private outbound(destination: string, payload: unknown, options: SendOptions, bindingContentType: string | undefined): OutboundRecord {
    const given = options.headers;
    let requested = options.contentType;
    if (requested === undefined && given !== undefined) {
      const headerType = Object.entries(given).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      if (headerType !== undefined) requested = String(headerType);
    }
    const fallback = bindingContentType ?? this.byDestination.get(destination)?.contentType ?? this.defaultContentType;
    const { bytes, contentType } = this.converters.encode(payload, requested, fallback);
    return {
      key: keyBytes(options.key),
      value: bytes,
      headers: this.outboundHeaders.of(contentType, given),
      partition: options.partition,
    };
  }

  channel(name: string): MessageChannel {
    const definition = this.definitions.get(name);
    if (!definition) throw new LifecycleError(`No output binding named '${name}'.`);
    return new OutputChannel(this, definition);
  }

  /** Bindings with a durable outbox (kafka binder `producer.outbox`) and how many records wait in each. */
  outboxes(): Array<OutboxStatus & { destination: string }> {
    const out: Array<OutboxStatus & { destination: string }> = [];
    for (const [destination, binding] of this.ready) if (binding.outboxStatus) out.push({ destination, ...binding.outboxStatus });
    return out;
  }

  /** Waits for every sent record to be acknowledged, then closes the producer bindings. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const bindings = await Promise.allSettled([...this.bound.values()]);
    for (const b of bindings) {
      if (b.status !== 'fulfilled') continue;
      await b.value.flush();
      await b.value.close();
    }
  }
}

class OutputChannel extends MessageChannel {
  readonly binding: string;
  readonly destination: string;

  constructor(
    private readonly producers: Producers,
    private readonly definition: ProducerDefinition,
  ) {
    super();
    this.binding = definition.name;
    this.destination = definition.destination;
  }

  send(payload: unknown, options?: SendOptions): Promise<SendResult> {
    return this.producers.send(this.destination, payload, options, this.definition.contentType);
  }
}
