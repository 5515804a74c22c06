/** What the explorer learns from the services: bindings, consumers and how to call each listener. */
import type { AckMode, ConditionPredicate, RecordFilter, RecordInterceptor, Recoverer } from '../annotations';
import type { Destination, ExplicitTopicPartitions } from '../binder/Binder';
import type { ConsumerConfig, ProducerConfig } from './config/types';

export interface BindingDefinition {
  name: string;
  kind: 'input' | 'output';
  /** Class that declared it (for messages). */
  declaredBy: string;
}

export type ParameterPlan =
  | { kind: 'payload'; targetType?: Function }
  | { kind: 'header'; name: string; raw?: boolean }
  | { kind: 'headers' }
  | { kind: 'ack' }
  | { kind: 'context' };

export interface ListenerMethod {
  service: Function;
  method: string;
  /** `Class.method`, for logs and errors. */
  where: string;
  condition?: ConditionPredicate;
  /** Output binding name or (for @KafkaListener) topic the return value goes to. */
  sendTo?: { binding?: string; topic: string };
  parameters: ParameterPlan[];
  /** Records it returns false for are acknowledged and counted as filtered. */
  filter?: RecordFilter;
  recoverer?: Recoverer;
}

/** Non-blocking retries (consumer.retry 'topics' or @RetryableTopic), checked at start-up. */
export interface RetryTopicsPlan {
  /** Attempts including the first. */
  attempts: number;
  /** Delay before retry n (index n-1), ms; one retry topic per entry. */
  delays: number[];
  /** Only these error classes are retried (else all the retry settings allow). */
  include?: Function[];
  /** These go straight to the dead-letter topic. */
  exclude?: Function[];
  /** Dead-letter topic; default `<topic>-dlt`. */
  dltTopic?: string;
}

/** Fully resolved consumer settings (defaults, annotation, config merged). */
export type ResolvedConsumerConfig = Required<
  Pick<
    ConsumerConfig,
    | 'maxAttempts'
    | 'backOffInitialInterval'
    | 'backOffMultiplier'
    | 'backOffMaxInterval'
    | 'defaultRetryable'
    | 'enableDlq'
    | 'concurrency'
    | 'autoStartup'
    | 'batchMode'
    | 'idempotent'
    | 'idempotencyTtlMs'
    | 'heartbeatIntervalMs'
  >
> &
  ConsumerConfig & { ackMode: AckMode };

export interface ConsumerDefinition {
  /** Binding name (@StreamListener) or listener id (@KafkaListener): what config, pause and resume use. */
  name: string;
  source: 'stream' | 'kafka';
  destination: Destination;
  group: string | undefined;
  contentType: string;
  consumer: ResolvedConsumerConfig;
  listeners: ListenerMethod[];
  /** Record interceptors of the listener's own (@UseInterceptors), after the application's. */
  interceptors?: RecordInterceptor[];
  retryTopics?: RetryTopicsPlan;
  /** @KafkaListener topicPartitions: partitions held without a group rebalance. */
  topicPartitions?: ExplicitTopicPartitions[];
  /** Listener services implementing ConsumerSeekAware (an `onPartitionsAssigned` method). */
  seekAware?: Function[];
  /** Methods that hear the listener's idle events (onIdle of @KafkaListener / @StreamListener). */
  onIdle?: Array<{ service: Function; method: string }>;
}

export interface ProducerDefinition {
  name: string;
  destination: string;
  contentType: string;
  producer: ProducerConfig;
}

export interface ApplicationModel {
  bindings: Map<string, BindingDefinition>;
  consumers: ConsumerDefinition[];
  /** Output bindings plus topics named by @KafkaListener @SendTo. */
  producers: Map<string, ProducerDefinition>;
  /** Binding interface classes to instantiate (Sink, Source, ...). */
  bindingInterfaces: Function[];
  /** @GlobalProducerInterceptor services, in the order of `services`. */
  producerInterceptors: Function[];
}
