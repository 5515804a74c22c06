/** Class and method decorators. Each records metadata and nothing else. */
import {
  classOf,
  writableMetadata,
  type ConditionPredicate,
  type KafkaListenerOptions,
} from './metadata';
import type { RecordFilter, RecordInterceptor, Recoverer, RetryableTopicOptions } from './failures';

/** Marks a class for the container (constructor parameters injected by type). */
export function Injectable(): ClassDecorator {
  return (target) => {
    writableMetadata(target).injectable = true;
  };
}

/** Binds the listed binding interfaces (Sink, Source, Processor or your own) for this service. */
export function EnableBinding(...bindingInterfaces: Function[]): ClassDecorator {
  return (target) => {
    const metadata = writableMetadata(target);
    metadata.injectable = true;
    for (const bindingInterface of bindingInterfaces) {
      if (typeof bindingInterface !== 'function') {
        throw new TypeError(`@EnableBinding on ${target.name} takes binding interface classes (Sink, Source, Processor, ...)`);
      }
      metadata.enableBinding.push(bindingInterface);
    }
  };
}

export interface StreamListenerOptions {
  /**
   * Only messages matching this are delivered to the method, so several listeners can share a
   * binding: an expression such as `headers['type']=='created'` or a predicate function.
   */
  condition?: string | ConditionPredicate;
  /** Records this returns false for are acknowledged and counted as filtered, never handled. */
  filter?: RecordFilter;
  /** Decides what becomes of a record whose attempts are exhausted, instead of the dead-letter topic. */
  recoverer?: Recoverer;
  /** The method of this class that hears idle events of the binding (its `consumer.idleEventIntervalMs`). */
  onIdle?: string;
}

/** Delivers messages of the input binding `binding` to the method. */
export function StreamListener(binding: string, options: StreamListenerOptions = {}): MethodDecorator {
  return (target, method) => {
    writableMetadata(classOf(target)).streamListeners.push({
      method: String(method),
      binding,
      condition: options.condition,
      filter: options.filter,
      recoverer: options.recoverer,
      onIdle: options.onIdle,
    });
  };
}

/** Sends the method's return value (unless undefined) to the output binding (or, for @KafkaListener, topic). */
export function SendTo(binding: string): MethodDecorator {
  return (target, method) => {
    writableMetadata(classOf(target)).sendTo[String(method)] = binding;
  };
}

/** Consumes topics directly, Spring Kafka style: one consumer binding per listener. */
export function KafkaListener(options: KafkaListenerOptions): MethodDecorator {
  return (target, method) => {
    const metadata = writableMetadata(classOf(target));
    metadata.injectable = true;
    metadata.kafkaListeners.push({ method: String(method), options: { ...options } });
  };
}

/**
 * Non-blocking retries for this listener: a failed record goes to a retry topic per delay and
 * comes back when due, then to the dead-letter topic; its partition moves on at once.
 */
export function RetryableTopic(options: RetryableTopicOptions = {}): MethodDecorator {
  return (target, method) => {
    writableMetadata(classOf(target)).retryableTopics[String(method)] = { ...options };
  };
}

/** Record interceptors of this listener, after those given to `Bindery.create`. */
export function UseInterceptors(...interceptors: RecordInterceptor[]): MethodDecorator {
  return (target, method) => {
    const all = writableMetadata(classOf(target)).interceptors;
    all[String(method)] = [...(all[String(method)] ?? []), ...interceptors];
  };
}

/**
 * Marks a class whose `beforeSend` (see ProducerInterceptor) sees every record the application
 * sends, on every binder, as Spring Integration's @GlobalChannelInterceptor: list it in
 * `services` and it is built by the container (its constructor parameters injected). Runs after
 * the interceptors given to `Bindery.create({ producerInterceptors })`, in the order of `services`.
 */
export function GlobalProducerInterceptor(): ClassDecorator {
  return (target) => {
    const metadata = writableMetadata(target);
    metadata.injectable = true;
    metadata.producerInterceptor = true;
  };
}
