/**
 * Reads the metadata the decorators recorded on the service classes and the resolved config,
 * and builds the application model, failing early with typed errors on anything inconsistent.
 */
import 'reflect-metadata';
import { Acknowledgment, RecordContext, readMetadata, type ConsumerSeekAware, type KafkaListenerMetadata, type KafkaListenerOptions } from '../annotations';
import { compileCondition } from './conditions';
import { mergeConfig } from './config/load';
import { DEFAULT_CONSUMER, DEFAULT_CONTENT_TYPE, type BinderyConfig, type ConsumerConfig } from './config/types';
import {
  AmbiguousListenersError,
  BindingConflictError,
  InvalidConditionError,
  ListenerSignatureError,
  MissingChannelError,
  ProducerInterceptorError,
} from './errors';
import { retryTopicsPlan } from './listener/retryTopics';
import type {
  ApplicationModel,
  BindingDefinition,
  ConsumerDefinition,
  ListenerMethod,
  ParameterPlan,
  ProducerDefinition,
  ResolvedConsumerConfig,
} from './model';

/** Binding names the services declare (before config is known: used to map env variables). */
export function declaredBindingNames(services: Function[]): string[] {
  const names = new Set<string>();
  for (const service of services) {
    const metadata = readMetadata(service);
    for (const iface of metadata.enableBinding) for (const p of readMetadata(iface).bindingProperties) names.add(p.name);
    for (const p of metadata.constructorParameters) if (p.kind === 'output') names.add(p.name);
    for (const l of metadata.kafkaListeners) names.add(kafkaListenerId(service, l.method, l.options));
  }
  return [...names];
}

function kafkaListenerId(service: Function, method: string, options: KafkaListenerOptions): string {
  return options.id ?? `${service.name}.${method}`;
}

function collectBindings(services: Function[]): { bindings: Map<string, BindingDefinition>; interfaces: Function[] } {
  const bindings = new Map<string, BindingDefinition>();
  const interfaces: Function[] = [];
  const add = (name: string, kind: 'input' | 'output', declaredBy: string): void => {
    const existing = bindings.get(name);
    if (existing && existing.kind !== kind) {
      throw new BindingConflictError(name, existing.declaredBy, existing.kind, declaredBy, kind);
    }
    if (!existing) bindings.set(name, { name, kind, declaredBy });
  };
  for (const service of services) {
    const metadata = readMetadata(service);
    for (const iface of metadata.enableBinding) {
      if (!interfaces.includes(iface)) interfaces.push(iface);
      for (const p of readMetadata(iface).bindingProperties) add(p.name, p.kind, iface.name);
    }
    for (const p of metadata.constructorParameters) if (p.kind === 'output') add(p.name, 'output', service.name);
  }
  return { bindings, interfaces };
}

function namesOf(bindings: Map<string, BindingDefinition>, kind: 'input' | 'output'): string[] {
  return [...bindings.values()].filter((b) => b.kind === kind).map((b) => b.name);
}

/** How to fill each parameter of a listener method. */
export function planParameters(service: Function, method: string, batch: boolean): ParameterPlan[] {
  const where = `${service.name}.${method}`;
  const types = (Reflect.getMetadata('design:paramtypes', service.prototype, method) as Function[] | undefined) ?? [];
  const declared = readMetadata(service).parameters[method] ?? [];
  const arity = Math.max(types.length, (service.prototype[method] as Function).length, ...declared.map((d) => d.index + 1));
  const plan: ParameterPlan[] = [];
  let payloadTaken = declared.some((d) => d.kind === 'payload');
  for (let i = 0; i < arity; i++) {
    const decorated = declared.find((d) => d.index === i);
    const type = types[i];
    if (decorated?.kind === 'payload') plan.push({ kind: 'payload', targetType: batch ? undefined : type });
    else if (decorated?.kind === 'header') plan.push(decorated.raw ? { kind: 'header', name: decorated.name, raw: true } : { kind: 'header', name: decorated.name });
    else if (decorated) plan.push({ kind: decorated.kind });
    else if (type === Acknowledgment) plan.push({ kind: 'ack' });
    else if (type === RecordContext) plan.push({ kind: 'context' });
    else if (!payloadTaken) {
      payloadTaken = true;
      plan.push({ kind: 'payload', targetType: batch ? undefined : type });
    } else {
      throw new ListenerSignatureError(
        where,
        `parameter #${i} is not the payload and has no decorator; mark it @Header(name), @Headers(), @Ack() or @Context(), or type it Acknowledgment / RecordContext`,
      );
    }
  }
  return plan;
}

function resolveConsumer(config: BinderyConfig, name: string, fromAnnotation: ConsumerConfig): ResolvedConsumerConfig {
  return mergeConfig<ResolvedConsumerConfig>(
    DEFAULT_CONSUMER as ResolvedConsumerConfig,
    config.default?.consumer as ResolvedConsumerConfig,
    fromAnnotation as ResolvedConsumerConfig,
    config.bindings?.[name]?.consumer as ResolvedConsumerConfig,
  );
}

function contentTypeOf(config: BinderyConfig, name: string): string {
  return config.bindings?.[name]?.contentType ?? config.default?.contentType ?? DEFAULT_CONTENT_TYPE;
}

function compile(where: string, condition: ListenerMethod['condition'] | string | undefined): ListenerMethod['condition'] {
  if (condition === undefined) return undefined;
  try {
    return compileCondition(condition);
  } catch (error) {
    throw new InvalidConditionError(String(condition), where, (error as Error).message);
  }
}

/** Producer definitions: output bindings, then topics named by @KafkaListener @SendTo as they are found. */
class ProducerTable {
  readonly producers = new Map<string, ProducerDefinition>();
  private readonly outputs: string[];

  constructor(
    private readonly config: BinderyConfig,
    private readonly bindings: Map<string, BindingDefinition>,
  ) {
    this.outputs = namesOf(bindings, 'output');
    for (const name of this.outputs) this.add(name, config.bindings?.[name]?.destination ?? name);
  }

  /** Where a listener's @SendTo goes: an output binding, or (for @KafkaListener) a topic of that name. */
  sendTo(where: string, target: string | undefined, kafka: boolean): ListenerMethod['sendTo'] {
    if (target === undefined) return undefined;
    if (this.bindings.get(target)?.kind === 'output') return { binding: target, topic: this.producers.get(target)!.destination };
    if (!kafka) throw new MissingChannelError(`@SendTo('${target}') on ${where}`, target, 'output', this.outputs);
    this.add(target, target);
    return { topic: target };
  }

  private add(name: string, destination: string): void {
    if (this.producers.has(name)) return;
    const producer = mergeConfig(this.config.default?.producer, this.config.bindings?.[name]?.producer);
    this.producers.set(name, { name, destination, contentType: contentTypeOf(this.config, name), producer });
  }
}

/** The @StreamListener methods of every service, by input binding. */
function streamListenersByBinding(
  services: Function[], config: BinderyConfig, bindings: Map<string, BindingDefinition>, producers: ProducerTable,
): Map<string, ListenerMethod[]> {
  const byBinding = new Map<string, ListenerMethod[]>();
  for (const service of services) {
    const metadata = readMetadata(service);
    for (const listener of metadata.streamListeners) {
      const where = `${service.name}.${listener.method}`;
      if (bindings.get(listener.binding)?.kind !== 'input') {
        throw new MissingChannelError(`@StreamListener('${listener.binding}') on ${where}`, listener.binding, 'input', namesOf(bindings, 'input'));
      }
      const batch = resolveConsumer(config, listener.binding, {}).batchMode;
      const list = byBinding.get(listener.binding) ?? [];
      list.push({
        service,
        method: listener.method,
        where,
        condition: compile(where, listener.condition),
        sendTo: producers.sendTo(where, metadata.sendTo[listener.method], false),
        parameters: planParameters(service, listener.method, batch),
        filter: listener.filter,
        recoverer: listener.recoverer,
      });
      byBinding.set(listener.binding, list);
    }
  }
  return byBinding;
}

/** One consumer per @StreamListener binding; several listeners on one binding need conditions. */
function streamConsumer(config: BinderyConfig, binding: string, listeners: ListenerMethod[]): ConsumerDefinition {
  if (listeners.length > 1 && listeners.some((l) => l.condition === undefined)) {
    throw new AmbiguousListenersError(binding, listeners.map((l) => l.where));
  }
  const own = config.bindings?.[binding];
  const consumer = resolveConsumer(config, binding, {});
  const destination = own?.destination ?? binding;
  const annotated = listeners.find((l) => readMetadata(l.service).retryableTopics[l.method] !== undefined);
  const retryable = annotated && readMetadata(annotated.service).retryableTopics[annotated.method];
  return {
    name: binding,
    source: 'stream',
    destination,
    group: own?.group,
    contentType: contentTypeOf(config, binding),
    consumer,
    listeners,
    interceptors: listeners.flatMap((l) => readMetadata(l.service).interceptors[l.method] ?? []),
    retryTopics: retryTopicsPlan(annotated?.where ?? binding, binding, consumer, retryable, destination),
    seekAware: seekAwareServices([...new Set(listeners.map((l) => l.service))]),
    onIdle: listeners.flatMap((l) => idleMethods(l.where, l.service, readMetadata(l.service).streamListeners.find((s) => s.method === l.method)?.onIdle)),
  };
}

/** The idle-event method a listener names, checked to exist on its service. */
function idleMethods(where: string, service: Function, method: string | undefined): Array<{ service: Function; method: string }> {
  if (method === undefined) return [];
  if (typeof (service.prototype as Record<string, unknown>)[method] !== 'function') {
    throw new ListenerSignatureError(where, `onIdle names '${method}', which is not a method of ${service.name}`);
  }
  return [{ service, method }];
}

/** The services that implement ConsumerSeekAware: the interface leaves no trace at run time, its method does. */
function seekAwareServices(services: Function[]): Function[] {
  return services.filter((s) => typeof (s.prototype as Partial<ConsumerSeekAware>).onPartitionsAssigned === 'function');
}

/** The annotation's consumer settings, under the binding's config. */
function kafkaListenerSettings(o: KafkaListenerOptions): ConsumerConfig {
  const fromAnnotation: ConsumerConfig = { ...(o.properties as ConsumerConfig | undefined) };
  if (o.concurrency !== undefined) fromAnnotation.concurrency = o.concurrency;
  if (o.autoStartup !== undefined) fromAnnotation.autoStartup = o.autoStartup;
  if (o.ackMode !== undefined) fromAnnotation.ackMode = o.ackMode;
  if (o.batch !== undefined) fromAnnotation.batchMode = o.batch;
  if (o.idleEventIntervalMs !== undefined) fromAnnotation.idleEventIntervalMs = o.idleEventIntervalMs;
  return fromAnnotation;
}

/** One consumer per @KafkaListener method. */
function kafkaConsumer(service: Function, listener: KafkaListenerMetadata, config: BinderyConfig, producers: ProducerTable): ConsumerDefinition {
  const where = `${service.name}.${listener.method}`;
  const o = listener.options;
  const id = kafkaListenerId(service, listener.method, o);
  const own = config.bindings?.[id];
  const consumer = resolveConsumer(config, id, kafkaListenerSettings(o));
  const assigned = o.topicPartitions && o.topicPartitions.length > 0 ? [...new Set(o.topicPartitions.map((t) => t.topic))] : undefined;
  const destination = own?.destination ?? assigned ?? o.topics ?? (typeof o.topicPattern === 'string' ? new RegExp(o.topicPattern) : o.topicPattern);
  if (destination === undefined || (Array.isArray(destination) && destination.length === 0)) {
    throw new ListenerSignatureError(where, `@KafkaListener needs topics, topicPattern or topicPartitions (or config bindings.${id}.destination)`);
  }
  const metadata = readMetadata(service);
  return {
    name: id,
    source: 'kafka',
    destination,
    group: own?.group ?? o.groupId ?? id,
    contentType: contentTypeOf(config, id),
    consumer,
    listeners: [
      {
        service,
        method: listener.method,
        where,
        sendTo: producers.sendTo(where, metadata.sendTo[listener.method], true),
        parameters: planParameters(service, listener.method, consumer.batchMode),
        filter: o.filter,
        recoverer: o.recoverer,
      },
    ],
    interceptors: metadata.interceptors[listener.method],
    retryTopics: retryTopicsPlan(where, id, consumer, metadata.retryableTopics[listener.method], destination),
    seekAware: seekAwareServices([service]),
    onIdle: idleMethods(where, service, o.onIdle),
    topicPartitions: o.topicPartitions?.map((t) => ({ topic: t.topic, partitions: [...t.partitions], initialOffset: t.initialOffset })),
  };
}

/** The @GlobalProducerInterceptor services, checked to have a beforeSend method. */
function producerInterceptorServices(services: Function[]): Function[] {
  const marked = services.filter((s) => readMetadata(s).producerInterceptor);
  for (const service of marked) {
    if (typeof (service.prototype as Record<string, unknown>).beforeSend !== 'function') throw new ProducerInterceptorError(service.name);
  }
  return marked;
}

export function explore(services: Function[], config: BinderyConfig): ApplicationModel {
  const { bindings, interfaces } = collectBindings(services);
  const producers = new ProducerTable(config, bindings);
  const consumers: ConsumerDefinition[] = [];
  for (const service of services) {
    for (const listener of readMetadata(service).kafkaListeners) consumers.push(kafkaConsumer(service, listener, config, producers));
  }
  for (const [binding, listeners] of streamListenersByBinding(services, config, bindings, producers)) {
    consumers.push(streamConsumer(config, binding, listeners));
  }
  const names = consumers.map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new ListenerSignatureError(duplicate, 'two @KafkaListener methods share this id; give each a distinct id');
  return { bindings, consumers, producers: producers.producers, bindingInterfaces: interfaces, producerInterceptors: producerInterceptorServices(services) };
}
