/**
 * Producer side: one ProducerBinding per binder and destination, bound on first use; output
 * channels, `app.send`, the MessageSender and replies convert the payload, set message-id and
 * content-type headers, and send. A destination goes out through the binder of the output binding
 * that names it, else through the binder of whoever sends (a listener's own binder for its
 * @SendTo, replies and dead letters; the default binder for the application).
 */
import { MessageChannel, type SendOptions, type SendResult } from '../annotations';
import type { Binder, InboundRecord, OutboundRecord, OutboxStatus, ProducerBinding, ProducerOptions } from '../binder/Binder';
import { CompressionType } from '../protocol/records/types';
import type { ProducerConfig } from './config/types';
import type { ConverterRegistry } from './conversion';
import { LifecycleError } from './errors';
import { keyBytes, OutboundHeaders } from './headers';
import type { ProducerDefinition } from './model';
import { errorReplyRecord, replyTargetOf, type ReplyTarget } from './messaging/replyHeaders';
import { NO_PRODUCER_OBSERVER, type ProducerObserver } from './observability/observers';
import { OutboxTransactionConflictError, TransactionConfigError } from './transactions/errors';
import { LocalTransactions } from './transactions/localTransactions';
import { TransactionalProducerPool } from './transactions/TransactionalProducerPool';
import { ActiveTransaction, TransactionScope } from './transactions/TransactionScope';

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

function transactionalOptions(config: ProducerConfig): { compression?: CompressionType; transactionTimeoutMs?: number; partitionCount?: number } {
  return {
    compression: config.compression ? COMPRESSION[config.compression] : undefined,
    transactionTimeoutMs: config.transactionTimeoutMs,
    partitionCount: config.partitionCount,
  };
}

/** Where a send by binding name or destination goes, and with which settings. */
export interface ProducerTarget {
  destination: string;
  contentType: string;
  producer: ProducerConfig;
  binder: Binder;
}

export interface ProducerPoolOptions {
  definitions: Map<string, ProducerDefinition>;
  converters: ConverterRegistry;
  defaultContentType: string;
  observer?: ProducerObserver;
  /** The binder of a binding by name (its `binder` setting, else the default). */
  binderOf: (binding: string) => Binder;
  /**
   * What a name that no service declares as an output binding means: a configured binding
   * (`bindings.<name>`) or, when undefined, the destination itself with the default settings.
   */
  configuredTarget: (name: string) => Omit<ProducerTarget, 'binder'> & { binder?: Binder } | undefined;
  defaultProducer: ProducerConfig;
  /** Error replies carry the replier's stack trace. */
  errorStackTrace: boolean;
}

/** The producer bindings of every binder, shared by the application's Producers views. */
class ProducerPool {
  readonly lanes = new Map<Binder, Map<string, Promise<ProducerBinding>>>();
  readonly ready = new Map<Binder, Map<string, ProducerBinding>>();
  /** Output bindings by destination (topic), for content type, producer settings and binder. */
  readonly byDestination = new Map<string, ProducerTarget>();
  readonly outboundHeaders = new OutboundHeaders();
  /** The transaction, if any, that sends made in the current async context belong to. */
  readonly transactions = new TransactionScope();
  readonly transactionalProducers = new TransactionalProducerPool();
  /** Sends outside any transaction to transactional bindings, in transactions of their own. */
  readonly localTransactions: LocalTransactions;
  closed = false;

  constructor(readonly options: ProducerPoolOptions) {
    this.localTransactions = new LocalTransactions(() => leasedTransaction(this));
    const defaults = options.defaultProducer;
    for (const d of options.definitions.values()) {
      const transactional = (d.producer.transactionIdPrefix ?? defaults.transactionIdPrefix) !== undefined;
      if (d.producer.outbox && transactional && (d.producer.allowNonTransactional ?? defaults.allowNonTransactional) !== true) {
        throw new OutboxTransactionConflictError(d.name, d.destination);
      }
      if (!this.byDestination.has(d.destination)) this.byDestination.set(d.destination, { ...d, binder: options.binderOf(d.name) });
    }
  }
}

export class Producers {
  private readonly pool: ProducerPool;
  /** Binder of destinations no output binding names. */
  private readonly fallback: Binder;
  /** This view's bindings on its fallback binder, for sends that need not look the binder up. */
  private readonly readyHere: Map<string, ProducerBinding>;

  constructor(fallback: Binder, options: ProducerPoolOptions);
  constructor(fallback: Binder, pool: ProducerPool);
  constructor(fallback: Binder, options: ProducerPoolOptions | ProducerPool) {
    this.pool = options instanceof ProducerPool ? options : new ProducerPool(options);
    this.fallback = fallback;
    this.readyHere = this.readyOf(fallback);
  }

  /** Binds the outputs that have a durable outbox now, so that a directory that cannot be written fails start-up. */
  async bindOutboxes(): Promise<void> {
    for (const target of this.pool.byDestination.values()) if (target.producer.outbox) await this.binding(target.destination, target.binder);
  }

  /** The same producers, sending destinations no output binding names through `binder`. */
  withBinder(binder: Binder): Producers {
    return binder === this.fallback ? this : new Producers(binder, this.pool);
  }

  /** The binder a destination goes out through from this view. */
  binderFor(destination: string): Binder {
    return this.pool.byDestination.get(destination)?.binder ?? this.fallback;
  }

  /**
   * A send by name, as Spring Cloud Stream's StreamBridge resolves it: an output binding of that
   * name, else a configured binding (`bindings.<name>`), else the destination of that name with
   * the default producer settings.
   */
  target(name: string): ProducerTarget {
    const { definitions, binderOf, configuredTarget, defaultProducer, defaultContentType } = this.pool.options;
    const definition = definitions.get(name);
    if (definition) return { ...definition, binder: binderOf(name) };
    const configured = configuredTarget(name);
    if (configured) return { ...configured, binder: configured.binder ?? this.fallback };
    const byDestination = this.pool.byDestination.get(name);
    if (byDestination) return byDestination;
    return { destination: name, contentType: defaultContentType, producer: defaultProducer, binder: this.fallback };
  }

  /** The producer binding of a topic on a binder (bound once, shared). */
  binding(destination: string, binder: Binder = this.binderFor(destination), config?: ProducerConfig): Promise<ProducerBinding> {
    if (this.pool.closed) return Promise.reject(new LifecycleError(`Cannot send to '${destination}': the application is closed.`));
    let lane = this.pool.lanes.get(binder);
    if (!lane) this.pool.lanes.set(binder, (lane = new Map()));
    let found = lane.get(destination);
    if (!found) {
      const settings = config ?? this.pool.byDestination.get(destination)?.producer ?? this.pool.options.defaultProducer;
      const binding = binder.bindProducer(destination, producerOptions(settings));
      found = binding;
      const bound = lane;
      bound.set(destination, binding);
      const ready = this.readyOf(binder);
      // Registered before any send waits on it, so sends queued while binding go out first, in order.
      binding.then(
        (done) => void (bound.get(destination) === binding && ready.set(destination, done)),
        () => bound.delete(destination),
      );
    }
    return found;
  }

  sendRaw(destination: string, record: OutboundRecord, binder?: Binder): Promise<SendResult> {
    const transaction = this.pool.transactions.current();
    if (transaction && !this.pool.closed) {
      const config = this.pool.byDestination.get(destination)?.producer ?? this.pool.options.defaultProducer;
      return this.observer.sending(destination, transaction.send(destination, record, binder ?? this.binderFor(destination), config));
    }
    if (!this.pool.closed) {
      const to = binder ?? this.binderFor(destination);
      const config = this.pool.byDestination.get(destination)?.producer ?? this.pool.options.defaultProducer;
      const prefix = this.localTransactionPrefix(config, to);
      if (prefix !== undefined) return this.observer.sending(destination, this.pool.localTransactions.send(prefix, destination, record, to, config));
      // Per-message path: the binding is bound already, so no promise hop before the binder's send.
      const ready = binder === undefined && !this.pool.byDestination.has(destination) ? this.readyHere.get(destination) : this.readyOf(binder ?? this.binderFor(destination)).get(destination);
      if (ready !== undefined) {
        try {
          return this.observer.sending(destination, ready.send(record));
        } catch (error) {
          return Promise.reject(error);
        }
      }
    }
    return this.observer.sending(destination, this.binding(destination, binder ?? this.binderFor(destination)).then((binding) => binding.send(record)));
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

  /** Sends to a resolved target (MessageSender, Requester) with its binder, settings and content type. */
  sendTo(target: ProducerTarget, payload: unknown, options: SendOptions = {}): Promise<SendResult> {
    let record: OutboundRecord;
    try {
      record = this.outbound(target.destination, payload, options, target.contentType);
    } catch (error) {
      return Promise.reject(error);
    }
    const transaction = this.pool.transactions.current();
    if (transaction) return this.observer.sending(target.destination, transaction.send(target.destination, record, target.binder, target.producer));
    const prefix = this.pool.closed ? undefined : this.localTransactionPrefix(target.producer, target.binder);
    if (prefix !== undefined) return this.observer.sending(target.destination, this.pool.localTransactions.send(prefix, target.destination, record, target.binder, target.producer));
    return this.binding(target.destination, target.binder, target.producer).then((binding) => this.observer.sending(target.destination, binding.send(record)));
  }

  /**
   * The transactional id prefix of the transaction a send outside any transaction runs in
   * (Spring Cloud Stream's binder runs it in one of its own), or undefined for the plain producer:
   * no prefix, `allowNonTransactional`, or a binder without transactional producers.
   */
  private localTransactionPrefix(config: ProducerConfig, binder: Binder): string | undefined {
    const defaults = this.pool.options.defaultProducer;
    const prefix = config.transactionIdPrefix ?? defaults.transactionIdPrefix;
    if (prefix === undefined || (config.allowNonTransactional ?? defaults.allowNonTransactional) === true) return undefined;
    return binder.transactionalProducer ? prefix : undefined;
  }

  /** The scope whose transaction sends made inside it join. */
  get transactions(): TransactionScope {
    return this.pool.transactions;
  }

  /**
   * A transaction of `app.transaction()`: at its first send it leases a producer of
   * `<transactionIdPrefix><n>` on that send's binder, the prefix being the destination's binding's.
   */
  newTransaction(): ActiveTransaction {
    return leasedTransaction(this.pool);
  }

  /**
   * A transaction of a transactional listener: its producer has the fixed id given (group and
   * partition) and belongs to `owner`, the group member processing the partition.
   */
  newFixedTransaction(transactionalId: string, owner: object): ActiveTransaction {
    return new ActiveTransaction((binder, _destination, config) =>
      this.pool.transactions.outside(() => this.pool.transactionalProducers.fixedLease(binder, transactionalId, transactionalOptions(config), owner)),
    );
  }

  /** The transactional id prefix of a destination's producer (its binding's, else the default), if it has one. */
  transactionIdPrefix(destination: string): string | undefined {
    return this.target(destination).producer.transactionIdPrefix ?? this.pool.options.defaultProducer.transactionIdPrefix;
  }

  /**
   * Converts every message and hands them to the target's binding in one call; in a transaction,
   * or to a transactional binding, they go in the one transaction.
   */
  async sendManyTo(target: ProducerTarget, messages: Array<{ payload: unknown } & SendOptions>): Promise<SendResult[]> {
    const records = messages.map(({ payload, ...options }) => this.outbound(target.destination, payload, options, target.contentType));
    const transaction = this.pool.transactions.current();
    if (transaction) return this.observer.sending(target.destination, Promise.all(records.map((r) => transaction.send(target.destination, r, target.binder, target.producer))));
    const prefix = this.pool.closed ? undefined : this.localTransactionPrefix(target.producer, target.binder);
    if (prefix !== undefined) {
      const local = this.pool.localTransactions;
      return this.observer.sending(target.destination, Promise.all(records.map((r) => local.send(prefix, target.destination, r, target.binder, target.producer))));
    }
    const binding = await this.binding(target.destination, target.binder, target.producer);
    return this.observer.sending(target.destination, binding.sendMany(records));
  }

  /** Where a record asks its reply to go (kafka_replyTopic / kafka_replyPartition / kafka_correlationId), if it does. */
  replyTargetOf(record: InboundRecord): ReplyTarget | undefined {
    return replyTargetOf(record);
  }

  /** A listener's return value, sent to the reply topic and partition the request names, with its correlation id. */
  reply(target: ReplyTarget, request: InboundRecord, value: unknown): Promise<SendResult> {
    let record: OutboundRecord;
    try {
      record = this.outbound(target.topic, value, {}, undefined);
    } catch (error) {
      return Promise.reject(error);
    }
    record.key = request.key;
    record.partition = target.partition;
    if (target.correlationId !== null) record.headers!.push({ key: 'kafka_correlationId', value: target.correlationId });
    return this.sendRaw(target.topic, record, this.fallback);
  }

  /** The error a replier threw, as an error reply (class name and message; the stack when configured). */
  replyError(target: ReplyTarget, request: InboundRecord, error: unknown): Promise<SendResult> {
    return this.sendRaw(target.topic, errorReplyRecord({ target, request, error, withStack: this.pool.options.errorStackTrace, messageIds: this.pool.outboundHeaders.messageIds }), this.fallback);
  }

  private outbound(destination: string, payload: unknown, options: SendOptions, bindingContentType: string | undefined): OutboundRecord {
    const given = options.headers;
    let requested = options.contentType;
    if (requested === undefined && given !== undefined) {
      const headerType = Object.entries(given).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      if (headerType !== undefined) requested = String(headerType);
    }
    const fallback = bindingContentType ?? this.pool.byDestination.get(destination)?.contentType ?? this.pool.options.defaultContentType;
    const { bytes, contentType } = this.pool.options.converters.encode(payload, requested, fallback);
    return {
      key: keyBytes(options.key),
      value: bytes,
      headers: this.pool.outboundHeaders.of(contentType, given),
      partition: options.partition,
    };
  }

  channel(name: string): MessageChannel {
    const definition = this.pool.options.definitions.get(name);
    if (!definition) throw new LifecycleError(`No output binding named '${name}'.`);
    return new OutputChannel(this, definition);
  }

  /** Bindings with a durable outbox (kafka binder `producer.outbox`) and how many records wait in each. */
  outboxes(): Array<OutboxStatus & { destination: string }> {
    const out: Array<OutboxStatus & { destination: string }> = [];
    for (const ready of this.pool.ready.values()) {
      for (const [destination, binding] of ready) if (binding.outboxStatus) out.push({ destination, ...binding.outboxStatus });
    }
    return out;
  }

  /** Resolves when every record handed to a binding so far (of `destination` only, when given) is acknowledged. */
  async flush(destination?: string): Promise<void> {
    const bindings: Promise<ProducerBinding>[] = [];
    for (const lane of this.pool.lanes.values()) {
      for (const [topic, binding] of lane) if (destination === undefined || topic === destination) bindings.push(binding);
    }
    for (const b of await Promise.allSettled(bindings)) if (b.status === 'fulfilled') await b.value.flush();
  }

  /** Waits for every sent record to be acknowledged, then closes the producer bindings. */
  async close(): Promise<void> {
    if (this.pool.closed) return;
    this.pool.closed = true;
    await this.pool.localTransactions.drain();
    await this.pool.transactionalProducers.close();
    const bindings = await Promise.allSettled([...this.pool.lanes.values()].flatMap((lane) => [...lane.values()]));
    for (const b of bindings) {
      if (b.status !== 'fulfilled') continue;
      await b.value.flush();
      await b.value.close();
    }
  }

  private get observer(): ProducerObserver {
    return this.pool.options.observer ?? NO_PRODUCER_OBSERVER;
  }

  private readyOf(binder: Binder): Map<string, ProducerBinding> {
    let ready = this.pool.ready.get(binder);
    if (!ready) this.pool.ready.set(binder, (ready = new Map()));
    return ready;
  }
}

/**
 * A transaction (app.transaction's, or a send's own) that at its first send leases a producer of
 * `<transactionIdPrefix><n>` on that send's binder, the prefix being the destination's binding's.
 */
function leasedTransaction(pool: ProducerPool): ActiveTransaction {
  return new ActiveTransaction((binder, destination, config) => {
    const prefix = config.transactionIdPrefix ?? pool.options.defaultProducer.transactionIdPrefix;
    if (prefix === undefined) return Promise.reject(new TransactionConfigError(`Sending to '${destination}' in app.transaction()`));
    return pool.transactions.outside(() => pool.transactionalProducers.lease(binder, prefix, transactionalOptions(config)));
  });
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
