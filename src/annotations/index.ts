export * from './metadata';
export * from './types';
export { Input, Output, Sink, Source, Processor } from './bindings';
export { Injectable, EnableBinding, StreamListener, SendTo, KafkaListener, RetryableTopic, UseInterceptors, GlobalProducerInterceptor, type StreamListenerOptions } from './decorators';
export * from './failures';
export { Payload, Header, Headers, Ack, Context, type HeaderOptions } from './parameters';
export { Inject } from './inject';
