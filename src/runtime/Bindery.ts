/**
 * The application: `Bindery.create` reads the services' metadata and the configuration,
 * creates the binder, wires the services, and `start` binds the listeners.
 */
import type { ErrorHandler, MessageChannel, ProducerInterceptor, RecordInterceptor, SendOptions, SendResult } from '../annotations';
import type { Binder, OutboxStatus } from '../binder/Binder';
import { systemClock, type Clock } from './clock';
import { loadConfigWithSources } from './config/load';
import { checkUndeclaredBindings } from './config/undeclaredBindings';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, type BinderyConfig } from './config/types';
import { buildContainer, isValueProvider, type ParentContainer, type ServiceContainer, type ServiceEntry } from './container';
import { ConverterRegistry, type MessageConverter } from './conversion';
import { LifecycleError, UnknownListenerError } from './errors';
import { declaredBindingNames, explore } from './explorer';
import { InMemoryIdempotencyStore, type IdempotencyStore, type IdempotencyStoreHealth } from './idempotency';
import type { IdempotencyKeyFn } from './listener/idempotencyGuard';
import type { StuckPartition } from './listener/handlerWatch';
import { ListenerContainer } from './listener/ListenerContainer';
import type { ListenerSeekTarget } from './listener/seeks';
import { interceptingBinder } from './listener/interceptors';
import { defaultLogger, type Logger } from './logger';
import type { ApplicationModel, ConsumerDefinition } from './model';
import { FrameworkMetrics, type MetricsOptions } from './observability/FrameworkMetrics';
import type { BindingStatus } from './observability/health';
import { allObservers, type ListenerObserver } from './observability/observers';
import { tracedBinder } from './observability/tracedBinder';
import { MessagingTracing, type TracingOptions } from './observability/tracing';
import { BinderSet } from './messaging/BinderSet';
import { wireMessaging } from './messaging/messaging';
import type { Requester } from './messaging/Requester';
import type { Producers } from './producers';
import type { RetryablePredicate } from './retry';

/** What closing the binder may take past shutdownTimeoutMs when handlers used all of it. */
const BINDER_CLOSE_GRACE_MS = 1000;

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface BinderyOptions {
  /** Service classes (listeners and their dependencies) and `{ provide, useValue }` entries. */
  services: ServiceEntry[];
  /** Configuration in code; a config file and BINDERY_* variables override it. */
  config?: BinderyConfig;
  /** JSON or YAML file; default: bindery.config.{json,yaml,yml} in the working directory if present. false = none. */
  configFile?: string | false;
  /** Environment read for BINDERY_* overrides. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Extra or replacement converters by content type. */
  converters?: MessageConverter[];
  /** Store used by bindings with consumer.idempotent: one for all, or one per listener name. Default: in memory. */
  idempotencyStore?: IdempotencyStore | ((listener: string) => IdempotencyStore);
  /** A listener's own idempotency key (undefined = the message-id header, else topic-partition-offset). */
  idempotencyKey?: IdempotencyKeyFn;
  /** Decides retryability per error before retryableExceptions / defaultRetryable (undefined = no opinion). */
  retryable?: RetryablePredicate;
  /** After every failed attempt: retry, dead-letter (to a topic of its choice), skip or stop (undefined = the retry settings decide). */
  errorHandler?: ErrorHandler;
  /** See every record before and after its listener (before: change or filter it); a listener's @UseInterceptors come after. */
  recordInterceptors?: RecordInterceptor[];
  /** See every record sent (may add headers); @GlobalProducerInterceptor services come after. */
  producerInterceptors?: ProducerInterceptor[];
  /** Time source for backoff; tests pass one that does not really wait. */
  clock?: Clock;
  /** Where bindery reports what users should see (skipped records, DLQ sends, shutdown). Default: lines on stderr at the level of BINDERY_LOG_LEVEL (info). */
  logger?: Logger;
  /**
   * Consulted for dependencies bindery's container does not have. An inversify 7 Container becomes
   * the parent of bindery's own inversify container; any other object with get/isBound (such as an
   * inversify 8 container) is asked through those two methods.
   */
  container?: ParentContainer;
  /** Use this binder as the default binder instead of creating one from config (it is not closed by close()). */
  binder?: Binder;
  /**
   * Close gracefully on SIGINT / SIGTERM, then re-raise the signal unless the host has its own
   * handler for it. Default true; false when the host's shutdown hooks call app.close() themselves.
   */
  shutdownOnSignals?: boolean;
  /** Called after a signal-triggered close, before the signal is re-raised (last chance to log). */
  onSignalShutdown?: (signal: NodeJS.Signals) => void;
  /**
   * Framework metrics (prom-client): true, or { registry } to put them in the application's own
   * registry. Default: on when config management.port is set, else off (nothing recorded).
   */
  metrics?: boolean | MetricsOptions;
  /**
   * Tracing (OpenTelemetry): on when a tracer provider is registered when the application is
   * created (or one is passed here); false = off. Without one nothing is traced and nothing costs.
   */
  tracing?: boolean | TracingOptions;
}

/** A management server started from config, closed with the application. */
interface Closeable {
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

function metricsFor(option: BinderyOptions['metrics'], config: BinderyConfig): FrameworkMetrics | undefined {
  if (option === false) return undefined;
  if (option === undefined && config.management?.port === undefined) return undefined;
  return new FrameworkMetrics(option === true || option === undefined ? {} : option);
}

/** What `app.transaction()` hands its callback: sends that join the transaction. */
export interface TransactionSends {
  send(destination: string, payload: unknown, options?: SendOptions): Promise<SendResult>;
}

type State = 'created' | 'starting' | 'running' | 'closing' | 'closed';

export interface ListenerHealth {
  name: string;
  destination: string;
  group: string | undefined;
  paused: boolean;
  /** Partitions whose handler has run longer than the session timeout (nothing behind it moves). */
  stuckPartitions: StuckPartition[];
  /** What needs looking at (a stuck handler), as also logged once. */
  warnings: string[];
  /** Idempotent listeners whose store reports its reachability (RedisIdempotencyStore does). */
  idempotencyStore?: IdempotencyStoreHealth;
}

export interface ApplicationHealth {
  state: State;
  listeners: ListenerHealth[];
  /** Producer bindings with a durable outbox: `depth` records wait for the cluster. */
  outboxes: Array<OutboxStatus & { destination: string }>;
}

export class Bindery {
  private state: State = 'created';
  private closing: Promise<void> | undefined;
  private readonly signalHandler = (signal: NodeJS.Signals): void => void this.onSignal(signal);
  /** Listeners stopped through stopBinding (they left their group; startBinding binds them again). */
  private readonly stopped = new Set<string>();
  private management: Closeable | undefined;

  private constructor(
    readonly config: BinderyConfig,
    readonly binder: Binder,
    readonly model: ApplicationModel,
    private readonly container: ServiceContainer,
    private readonly producers: Producers,
    private readonly listeners: ListenerContainer[],
    private readonly binders: BinderSet,
    private readonly requester: Requester,
    private readonly options: BinderyOptions & { logger: Logger },
    /** Framework metrics, when on (BinderyOptions.metrics). */
    readonly metrics: FrameworkMetrics | undefined,
    private readonly newListener: (definition: ConsumerDefinition) => ListenerContainer,
  ) {}

  static async create(options: BinderyOptions): Promise<Bindery> {
    const classes = options.services.filter((s): s is Function => !isValueProvider(s));
    const { config, bindingSources } = loadConfigWithSources({
      config: options.config,
      configFile: options.configFile,
      env: options.env,
      knownBindings: declaredBindingNames(classes),
    });
    const model = explore(classes, config);
    const logger = options.logger ?? defaultLogger(options.env ?? process.env);
    checkUndeclaredBindings(model, config, bindingSources, logger);
    const binders = await BinderSet.open(config, logger, options.binder);
    const binder = binders.defaultBinder;
    try {
      const converters = new ConverterRegistry(options.converters);
      const metrics = metricsFor(options.metrics, config);
      const tracing = options.tracing === false ? undefined : MessagingTracing.create(options.tracing === true ? {} : options.tracing);
      // The runtime talks to each binder through tracing's and the producer interceptors' wrappers;
      // close() still closes the binders themselves.
      // Bindery.create's producer interceptors, then the @GlobalProducerInterceptor services once built.
      let producerInterceptors: readonly ProducerInterceptor[] = options.producerInterceptors ?? [];
      const intercepting = producerInterceptors.length > 0 || model.producerInterceptors.length > 0;
      const sending = binders.wrapped((b) => {
        const traced = tracing ? tracedBinder(b, tracing) : b;
        return intercepting ? interceptingBinder(traced, () => producerInterceptors) : traced;
      });
      const observers = (definition: ConsumerDefinition): ListenerObserver[] => [
        ...(metrics ? [metrics.listener(definition, binders.forBinding(definition.name))] : []),
        ...(tracing ? [tracing.listener(definition)] : []),
      ];
      // The application object exists only after the container is built; sends check it when they run.
      let app: Bindery | undefined;
      const isOpen = (): boolean => app === undefined || (app.state !== 'closing' && app.state !== 'closed');
      const { producers, requester, values } = wireMessaging({ config, model, binders: sending, converters, metrics, logger, isOpen });
      metrics?.outboxes(() => producers.outboxes());
      const container = buildContainer({ services: options.services, model, producers, parent: options.container, values });
      // Build every service now so wiring errors surface at create, not at the first message.
      // Listener services are singletons (or registered values): each is looked up once, not per message.
      const instances = new Map<Function, object>();
      const interceptorServices = model.producerInterceptors.map((service) => {
        const instance = container.get<ProducerInterceptor>(service);
        instances.set(service, instance);
        return instance;
      });
      producerInterceptors = [...producerInterceptors, ...interceptorServices];
      for (const service of classes) if (!instances.has(service)) instances.set(service, container.get<object>(service));
      const idempotencyStore = options.idempotencyStore ?? new InMemoryIdempotencyStore();
      const deps = {
        converters,
        instanceOf: (service: Function) => instances.get(service) ?? container.get<object>(service),
        clock: options.clock ?? systemClock,
        idempotencyStore: metrics ? metrics.idempotencyStores(idempotencyStore) : idempotencyStore,
        logger,
        idempotencyKey: options.idempotencyKey,
        retryable: options.retryable,
        errorHandler: options.errorHandler,
        recordInterceptors: options.recordInterceptors,
        observe: metrics || tracing ? (definition: ConsumerDefinition) => allObservers(observers(definition)) : undefined,
      };
      // A listener consumes, forwards, replies and dead-letters through its binding's binder.
      const newListener = (definition: ConsumerDefinition): ListenerContainer => {
        const own = sending.forBinding(definition.name);
        return new ListenerContainer(definition, { ...deps, binder: own, producers: producers.withBinder(own) });
      };
      const listeners = model.consumers.map(newListener);
      app = new Bindery(config, binder, model, container, producers, listeners, binders, requester, { ...options, logger }, metrics, newListener);
      return app;
    } catch (error) {
      for (const owned of binders.ownedBinders()) await owned.close().catch(() => undefined);
      throw error;
    }
  }

  /** A service, binding interface instance or registered value from the container. */
  get<T>(token: abstract new (...args: never[]) => T): T;
  get<T = unknown>(token: unknown): T;
  get(token: unknown): unknown {
    return this.container.get(token);
  }

  /** Binds every listener; those with autoStartup false stay paused until resume(name). */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new LifecycleError(`start() was called on an application that is ${this.state}.`);
    this.state = 'starting';
    try {
      await this.producers.bindOutboxes();
      for (const listener of this.listeners) await listener.start();
    } catch (error) {
      await this.close();
      throw error;
    }
    this.state = 'running';
    if (this.config.management?.port !== undefined) {
      try {
        this.management = await this.startManagement();
      } catch (error) {
        await this.close();
        throw error;
      }
    }
    if (this.options.shutdownOnSignals !== false) {
      process.once('SIGINT', this.signalHandler);
      process.once('SIGTERM', this.signalHandler);
    }
  }

  /** Sends to a destination (topic): converted by content type, with a message-id header. */
  send(destination: string, payload: unknown, options?: SendOptions): Promise<SendResult> {
    if (this.state === 'closed' || this.state === 'closing') {
      return Promise.reject(new LifecycleError(`Cannot send to '${destination}': the application is ${this.state}.`));
    }
    return this.producers.send(destination, payload, options);
  }

  /**
   * Runs `work` in a transaction (Spring's executeInTransaction): every send it makes (`tx.send`,
   * `app.send`, output channels, the MessageSender) commits when it resolves and aborts when it
   * throws. The sends go to bindings with `producer.transactionIdPrefix`, on one binder.
   */
  async transaction<T>(work: (tx: TransactionSends) => Promise<T>): Promise<T> {
    if (this.state === 'closed' || this.state === 'closing') throw new LifecycleError(`Cannot run a transaction: the application is ${this.state}.`);
    const transaction = this.producers.newTransaction();
    const sends: TransactionSends = { send: (destination, payload, options) => this.producers.send(destination, payload, options) };
    let result: T;
    try {
      result = await this.producers.transactions.run(transaction, () => work(sends));
    } catch (error) {
      await transaction.abort().catch((e) => this.options.logger.error({ err: e }, 'aborting a transaction failed'));
      throw error;
    }
    await transaction.commit();
    return result;
  }

  /** The MessageChannel of an output binding. */
  channel(name: string): MessageChannel {
    return this.producers.channel(name);
  }

  pause(name: string): void {
    this.listener(name).pause();
  }

  resume(name: string): void {
    this.listener(name).resume();
  }

  /**
   * Moves a running listener (binding name or @KafkaListener id): every partition it holds to
   * 'beginning', 'end' or `{ timestamp }`, or one partition to `{ partition, offset }`. Rejects with
   * UnknownListenerError, PartitionNotAssignedError or SeekTimestampInFutureError.
   */
  async seek(name: string, target: ListenerSeekTarget): Promise<void> {
    const listener = this.listener(name);
    if (this.state !== 'running') throw new LifecycleError(`Cannot seek '${name}': the application is ${this.state}.`);
    await listener.seek(target);
  }

  isPaused(name: string): boolean {
    return this.listener(name).isPaused();
  }

  /** Names of the consumer bindings (binding names and @KafkaListener ids). */
  listenerNames(): string[] {
    return this.listeners.map((l) => l.name);
  }

  /** What is bound and whether it is fetching, for health endpoints and logs. */
  health(): ApplicationHealth {
    return {
      state: this.state,
      listeners: this.listeners.map((l) => {
        const entry: ListenerHealth = {
          name: l.name,
          destination: String(l.definition.destination),
          group: l.definition.group,
          paused: l.isPaused(),
          ...l.handlerHealth(),
        };
        const store = l.idempotencyStoreHealth();
        if (store) entry.idempotencyStore = store;
        return entry;
      }),
      outboxes: this.producers.outboxes(),
    };
  }

  /** Each consumer binding and whether it is running, paused or stopped (as the /bindings endpoint shows them). */
  bindings(): BindingStatus[] {
    return this.listeners.map((l) => ({
      name: l.name,
      destination: String(l.definition.destination),
      group: l.definition.group,
      state: this.stopped.has(l.name) ? 'stopped' : l.isPaused() ? 'paused' : 'running',
      autoStartup: l.definition.consumer.autoStartup,
    }));
  }

  /**
   * Stops one consumer binding: handlers in flight finish (bounded by shutdownTimeoutMs), what
   * was processed is committed and the binding leaves its group, so its partitions go to the
   * group's other members. startBinding(name) binds it again from the committed offsets.
   */
  async stopBinding(name: string): Promise<void> {
    const listener = this.listener(name);
    if (this.stopped.has(name)) return;
    this.stopped.add(name);
    await listener.stop(this.config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
  }

  /** Binds a stopped binding again (or resumes a paused one); it fetches from the committed offsets. */
  async startBinding(name: string): Promise<void> {
    const old = this.listener(name);
    if (!this.stopped.has(name)) return old.resume();
    if (this.state !== 'running') throw new LifecycleError(`Cannot start binding '${name}': the application is ${this.state}.`);
    const fresh = this.newListener(old.definition);
    await fresh.start();
    fresh.resume();
    this.listeners[this.listeners.indexOf(old)] = fresh;
    this.stopped.delete(name);
  }

  /** Where the management server listens (config management.port), once started. */
  get managementAddress(): { host: string; port: number } | undefined {
    return this.management?.address;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /**
   * Graceful shutdown: stop fetching, let handlers in flight finish (bounded by
   * shutdownTimeoutMs), commit, leave the groups, flush the producers, close the binder.
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.state = 'closing';
    process.removeListener('SIGINT', this.signalHandler);
    process.removeListener('SIGTERM', this.signalHandler);
    await this.management?.close().catch((e) => this.options.logger.error({ err: e }, 'closing the management server failed'));
    const timeout = this.config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    // One bound for the whole close: handlers still running when it ends are given up on once.
    const deadline = Date.now() + timeout;
    const left = (): number => Math.max(0, deadline - Date.now());
    const logger = this.options.logger;
    const results = await Promise.allSettled(this.listeners.map((l) => l.stop(timeout)));
    for (const r of results) if (r.status === 'rejected') logger.error({ err: r.reason }, 'stopping a listener failed');
    await this.requester.close().catch((e) => logger.error({ err: e }, 'stopping the requester failed'));
    await this.producers.close().catch((e) => logger.error({ err: e }, 'flushing producers failed'));
    // Their bindings already gave up on stuck handlers; what is left (producers, the broker) gets
    // the time that remains, and at least a moment so it can release its files and timers.
    await Promise.all(
      this.binders.ownedBinders().map(async (binder) => {
        const closed = await withTimeout(binder.close(left()), Math.max(left(), BINDER_CLOSE_GRACE_MS)).catch((e) => logger.error({ err: e }, 'closing the binder failed'));
        if (closed === 'timeout') logger.warn(`the '${binder.name}' binder did not close within ${timeout} ms; giving up on it`);
      }),
    );
    this.state = 'closed';
  }

  private async onSignal(signal: NodeJS.Signals): Promise<void> {
    this.options.logger.info(`${signal} received: shutting down`);
    await this.close();
    this.options.onSignalShutdown?.(signal);
    // Re-raised, the signal ends the process as it would have without bindery (exit status by the
    // signal). A host with its own handler for it decides when the process ends: re-raising would
    // only run that handler a second time.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }

  /**
   * The management server lives in management/, above the runtime: it is loaded only when config
   * asks for it, as the binder registry loads binders.
   */
  private async startManagement(): Promise<Closeable> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const management = require('../management') as typeof import('../management');
    return management.startManagementServer(this, this.config.management ?? {});
  }

  /** The binders the application's bindings use (none when it has no bindings). */
  bindersInUse(): Binder[] {
    return this.binders.usedBy([...this.model.consumers.map((c) => c.name), ...this.model.producers.keys()]);
  }

  /** The binder of a binding (its `binder` setting, else the default one). */
  binderOf(binding: string): Binder {
    return this.binders.forBinding(binding);
  }

  private listener(name: string): ListenerContainer {
    const found = this.listeners.find((l) => l.name === name);
    if (!found) throw new UnknownListenerError(name, this.listenerNames());
    return found;
  }
}
