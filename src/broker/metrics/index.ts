export { BrokerMetrics, type ObservedBroker, type ObservedServer, type ObservedPartition } from './BrokerMetrics';
