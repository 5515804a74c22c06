export { FrameworkMetrics, type MetricsOptions } from './FrameworkMetrics';
export { NO_LISTENER_OBSERVER, NO_PRODUCER_OBSERVER, type ListenerObserver, type ProducerObserver, type ProcessingOutcome } from './observers';
