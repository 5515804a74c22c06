/**
 * One typed metadata object per class, stored under one namespaced key. Decorators only write
 * here; the runtime's explorer reads it. Subclasses start from a copy of their parent's object so
 * decorating a subclass never changes the parent.
 */
import 'reflect-metadata';
import type { RecordFilter, RecordInterceptor, Recoverer, RetryableTopicOptions } from './failures';
import type { SeekTarget } from './types';

export const METADATA_KEY = Symbol.for('bindery:metadata');

export type BindingKind = 'input' | 'output';

/** A message as a listener condition sees it. */
export interface ConditionMessage {
  payload: unknown;
  headers: Record<string, string>;
}
export type ConditionPredicate = (message: ConditionMessage) => boolean;

export type AckMode = 'record' | 'batch' | 'manual' | 'manual_immediate';

export interface BindingPropertyMetadata {
  property: string;
  name: string;
  kind: BindingKind;
}

export interface StreamListenerMetadata {
  method: string;
  binding: string;
  condition?: string | ConditionPredicate;
  filter?: RecordFilter;
  recoverer?: Recoverer;
  onIdle?: string;
}

export interface KafkaListenerOptions {
  /** Listener id: names the listener in config (`listeners.<id>`), logs and pause/resume. Default `<Class>.<method>`. */
  id?: string;
  topics?: string | string[];
  topicPattern?: RegExp | string;
  /** Consumer group; omitted = the listener id. */
  groupId?: string;
  concurrency?: number;
  /** false: bound but not fetching until `app.resume(id)`. Default true. */
  autoStartup?: boolean;
  /** Deliver a whole fetched batch per call (payload parameter is an array). */
  batch?: boolean;
  ackMode?: AckMode;
  /** Consumer properties as in config `bindings.<name>.consumer` (maxAttempts, enableDlq, ...). */
  properties?: Record<string, unknown>;
  /** Records this returns false for are acknowledged and counted as filtered, never handled. */
  filter?: RecordFilter;
  /** Decides what becomes of a record whose attempts are exhausted, instead of the dead-letter topic. */
  recoverer?: Recoverer;
  /**
   * Partitions the listener holds directly, without a group rebalance (commits still go to the
   * group); `initialOffset` is where they start whatever the group committed. Replaces `topics`.
   */
  topicPartitions?: ListenerTopicPartitions[];
  /** With onIdle: an idle event when the listener received nothing for this long (config `consumer.idleEventIntervalMs`). */
  idleEventIntervalMs?: number;
  /** The method of this class that hears idle events (a ListenerIdleEvent). */
  onIdle?: string;
}

export interface ListenerTopicPartitions {
  topic: string;
  partitions: number[];
  initialOffset?: SeekTarget;
}

export interface KafkaListenerMetadata {
  method: string;
  options: KafkaListenerOptions;
}

export type ParameterMetadata =
  | { index: number; kind: 'payload' }
  | { index: number; kind: 'header'; name: string; raw?: boolean }
  | { index: number; kind: 'headers' }
  | { index: number; kind: 'ack' }
  | { index: number; kind: 'context' };

export type ConstructorParameterMetadata =
  | { index: number; kind: 'output'; name: string }
  | { index: number; kind: 'inject'; token: unknown };

export interface ClassMetadata {
  /** Set by @Injectable / @EnableBinding: the class takes part in dependency injection. */
  injectable: boolean;
  /** Binding interfaces named in @EnableBinding(...). */
  enableBinding: Function[];
  /** @Input / @Output properties of a binding interface class. */
  bindingProperties: BindingPropertyMetadata[];
  streamListeners: StreamListenerMetadata[];
  kafkaListeners: KafkaListenerMetadata[];
  /** method name → output binding (or topic, for @KafkaListener) the return value goes to. */
  sendTo: Record<string, string>;
  /** method name → its decorated parameters. */
  parameters: Record<string, ParameterMetadata[]>;
  /** method name → @RetryableTopic options. */
  retryableTopics: Record<string, RetryableTopicOptions>;
  /** method name → record interceptors of @UseInterceptors. */
  interceptors: Record<string, RecordInterceptor[]>;
  /** Set by @GlobalProducerInterceptor: the class's instance sees every record the application sends. */
  producerInterceptor: boolean;
  constructorParameters: ConstructorParameterMetadata[];
}

function emptyMetadata(): ClassMetadata {
  return {
    injectable: false,
    enableBinding: [],
    bindingProperties: [],
    streamListeners: [],
    kafkaListeners: [],
    sendTo: {},
    parameters: {},
    retryableTopics: {},
    interceptors: {},
    producerInterceptor: false,
    constructorParameters: [],
  };
}

function copyMetadata(source: ClassMetadata): ClassMetadata {
  return {
    injectable: source.injectable,
    enableBinding: [...source.enableBinding],
    bindingProperties: [...source.bindingProperties],
    streamListeners: [...source.streamListeners],
    kafkaListeners: [...source.kafkaListeners],
    sendTo: { ...source.sendTo },
    parameters: Object.fromEntries(Object.entries(source.parameters).map(([k, v]) => [k, [...v]])),
    retryableTopics: { ...source.retryableTopics },
    interceptors: Object.fromEntries(Object.entries(source.interceptors).map(([k, v]) => [k, [...v]])),
    producerInterceptor: source.producerInterceptor,
    // Constructor parameters describe one constructor: a subclass has its own.
    constructorParameters: [],
  };
}

/** The metadata of `target` (a class), read-only view; an empty object when undecorated. */
export function readMetadata(target: Function): ClassMetadata {
  const found = Reflect.getMetadata(METADATA_KEY, target) as ClassMetadata | undefined;
  if (!found) return emptyMetadata();
  const own = Reflect.getOwnMetadata(METADATA_KEY, target) as ClassMetadata | undefined;
  return own ?? copyMetadata(found);
}

/** The class's own metadata object, created (from the parent's, if any) on first write. */
export function writableMetadata(target: Function): ClassMetadata {
  const own = Reflect.getOwnMetadata(METADATA_KEY, target) as ClassMetadata | undefined;
  if (own) return own;
  const inherited = Reflect.getMetadata(METADATA_KEY, target) as ClassMetadata | undefined;
  const created = inherited ? copyMetadata(inherited) : emptyMetadata();
  Reflect.defineMetadata(METADATA_KEY, created, target);
  return created;
}

/** Whether the class carries any bindery metadata at all. */
export function hasMetadata(target: Function): boolean {
  return Reflect.getMetadata(METADATA_KEY, target) !== undefined;
}

/** Class constructor behind a decorator target (prototype for instance members, the class for static/ctor). */
export function classOf(target: object): Function {
  return typeof target === 'function' ? target : (target.constructor as Function);
}
