/**
 * The application: `Bindery.create` reads the services' metadata and the configuration,
 * creates the binder, wires the services, and `start` binds the listeners.
 */
import type { MessageChannel, SendOptions, SendResult } from '../annotations';
import type { Binder } from '../binder/Binder';
import { createBinder } from '../binder/registry';
import { systemClock, type Clock } from './clock';
import { loadConfigWithSources } from './config/load';
import { checkUndeclaredBindings } from './config/undeclaredBindings';
import { DEFAULT_BINDER, DEFAULT_CONTENT_TYPE, DEFAULT_SHUTDOWN_TIMEOUT_MS, type BinderyConfig } from './config/types';
import { buildContainer, isValueProvider, type ParentContainer, type ServiceContainer, type ServiceEntry } from './container';
import { ConverterRegistry, type MessageConverter } from './conversion';
import { LifecycleError, UnknownListenerError } from './errors';
import { declaredBindingNames, explore } from './explorer';
import { InMemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import type { IdempotencyKeyFn } from './listener/idempotencyGuard';
import { ListenerContainer } from './listener/ListenerContainer';
import { consoleLogger, type Logger } from './logger';
import type { ApplicationModel } from './model';
import { Producers } from './producers';
import type { RetryablePredicate } from './retry';

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
  /** Time source for backoff; tests pass one that does not really wait. */
  clock?: Clock;
  /** Where bindery reports what users should see (skipped records, DLQ sends, shutdown). Default consoleLogger. */
  logger?: Logger;
  /**
   * Consulted for dependencies bindery's container does not have. An inversify 7 Container becomes
   * the parent of bindery's own inversify container; any other object with get/isBound (such as an
   * inversify 8 container) is asked through those two methods.
   */
  container?: ParentContainer;
  /** Use this binder instead of creating one from config (it is not closed by close()). */
  binder?: Binder;
  /**
   * Close gracefully on SIGINT / SIGTERM, then re-raise the signal unless the host has its own
   * handler for it. Default true; false when the host's shutdown hooks call app.close() themselves.
   */
  shutdownOnSignals?: boolean;
  /** Called after a signal-triggered close, before the signal is re-raised (last chance to log). */
  onSignalShutdown?: (signal: NodeJS.Signals) => void;
}

type State = 'created' | 'starting' | 'running' | 'closing' | 'closed';

export class Bindery {
  private state: State = 'created';
  private closing: Promise<void> | undefined;
  private readonly signalHandler = (signal: NodeJS.Signals): void => void this.onSignal(signal);

  private constructor(
    readonly config: BinderyConfig,
    readonly binder: Binder,
    readonly model: ApplicationModel,
    private readonly container: ServiceContainer,
    private readonly producers: Producers,
    private readonly listeners: ListenerContainer[],
    private readonly ownsBinder: boolean,
    private readonly options: BinderyOptions,
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
    const logger = options.logger ?? consoleLogger;
    checkUndeclaredBindings(model, config, bindingSources, logger);
    const binderName = config.binder ?? DEFAULT_BINDER;
    const binder = options.binder ?? (await createBinder(binderName, (config.binders?.[binderName] ?? {}) as Record<string, unknown>, logger));
    try {
      const converters = new ConverterRegistry(options.converters);
      const producers = new Producers(binder, model.producers, converters, config.default?.contentType ?? DEFAULT_CONTENT_TYPE);
      const container = buildContainer({ services: options.services, model, producers, parent: options.container, values: [] });
      // Build every service now so wiring errors surface at create, not at the first message.
      // Listener services are singletons (or registered values): each is looked up once, not per message.
      const instances = new Map<Function, object>();
      for (const service of classes) instances.set(service, container.get<object>(service));
      const deps = {
        binder,
        producers,
        converters,
        instanceOf: (service: Function) => instances.get(service) ?? container.get<object>(service),
        clock: options.clock ?? systemClock,
        idempotencyStore: options.idempotencyStore ?? new InMemoryIdempotencyStore(),
        logger: options.logger ?? consoleLogger,
        idempotencyKey: options.idempotencyKey,
        retryable: options.retryable,
      };
      const listeners = model.consumers.map((definition) => new ListenerContainer(definition, deps));
      return new Bindery(config, binder, model, container, producers, listeners, !options.binder, options);
    } catch (error) {
      if (!options.binder) await binder.close().catch(() => undefined);
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
      for (const listener of this.listeners) await listener.start();
    } catch (error) {
      await this.close();
      throw error;
    }
    this.state = 'running';
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

  isPaused(name: string): boolean {
    return this.listener(name).isPaused();
  }

  /** Names of the consumer bindings (binding names and @KafkaListener ids). */
  listenerNames(): string[] {
    return this.listeners.map((l) => l.name);
  }

  /** What is bound and whether it is fetching, for health endpoints and logs. */
  health(): { state: State; listeners: Array<{ name: string; destination: string; group: string | undefined; paused: boolean }> } {
    return {
      state: this.state,
      listeners: this.listeners.map((l) => ({
        name: l.name,
        destination: String(l.definition.destination),
        group: l.definition.group,
        paused: l.isPaused(),
      })),
    };
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
    const timeout = this.config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const logger = this.options.logger ?? consoleLogger;
    const results = await Promise.allSettled(this.listeners.map((l) => l.stop(timeout)));
    for (const r of results) if (r.status === 'rejected') logger.error('stopping a listener failed', r.reason);
    await this.producers.close().catch((e) => logger.error('flushing producers failed', e));
    if (this.ownsBinder) {
      // A handler that ignored the shutdown bound could hold the binder's close forever.
      const closed = await withTimeout(this.binder.close(), timeout).catch((e) => logger.error('closing the binder failed', e));
      if (closed === 'timeout') logger.warn(`the '${this.binder.name}' binder did not close within ${timeout} ms; giving up on it`);
    }
    this.state = 'closed';
  }

  private async onSignal(signal: NodeJS.Signals): Promise<void> {
    (this.options.logger ?? consoleLogger).info(`${signal} received: shutting down`);
    await this.close();
    this.options.onSignalShutdown?.(signal);
    // Re-raised, the signal ends the process as it would have without bindery (exit status by the
    // signal). A host with its own handler for it decides when the process ends: re-raising would
    // only run that handler a second time.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }

  private listener(name: string): ListenerContainer {
    const found = this.listeners.find((l) => l.name === name);
    if (!found) throw new UnknownListenerError(name, this.listenerNames());
    return found;
  }
}
