/**
 * The broker's Prometheus series. Where Apache Kafka has the metric, the name is the one the
 * Prometheus JMX exporter's Kafka rules give it (kafka.server:type=BrokerTopicMetrics,
 * name=BytesInPerSec,topic=t → kafka_server_brokertopicmetrics_bytesin_total{topic="t"}), so
 * existing dashboards map over; the rest carry the bindery_broker_ prefix. Times are seconds.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Sets a gauge's values when the registry is scraped. */
export type GaugeReader<L extends string> = (gauge: Gauge<L>) => void;

export interface BrokerReaders {
  delayed: GaugeReader<'delayedOperation'>;
  connections: GaugeReader<never>;
  logSize: GaugeReader<'topic' | 'partition'>;
  logEndOffset: GaugeReader<'topic' | 'partition'>;
  logStartOffset: GaugeReader<'topic' | 'partition'>;
  groups: GaugeReader<'state'>;
  members: GaugeReader<'group'>;
}

/** The gauges read one broker's state when scraped, so a registry takes one BrokerMetrics. */
export function brokerSeries(registry: Registry, read: BrokerReaders) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], reader?: GaugeReader<L>): Gauge<L> =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      ...(reader && {
        collect(this: Gauge<L>) {
          reader(this);
        },
      }),
    });
  const topic = ['topic'] as const;
  const partition = ['topic', 'partition'] as const;
  return {
    bytesIn: counter('kafka_server_brokertopicmetrics_bytesin_total', 'Bytes of record batches appended by Produce requests, per topic.', topic),
    messagesIn: counter('kafka_server_brokertopicmetrics_messagesin_total', 'Records appended by Produce requests, per topic.', topic),
    bytesOut: counter('kafka_server_brokertopicmetrics_bytesout_total', 'Bytes of record batches returned by Fetch requests, per topic.', topic),
    // Kafka counts no records out; bytes out is its only outgoing topic metric.
    messagesOut: counter('bindery_broker_topic_messages_out_total', 'Records in the batches returned by Fetch requests, per topic (whole batches: a fetch from mid-batch counts the batch).', topic),
    requests: counter('kafka_network_requestmetrics_requests_total', 'Requests answered, per API and version.', ['request', 'version'] as const),
    requestTime: new Histogram({
      name: 'kafka_network_requestmetrics_localtime_seconds',
      help: "Time from a request's start in its handler to its answer (Kafka's LocalTimeMs; a long-poll Fetch's wait included), per API and version.",
      labelNames: ['request', 'version'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    logFlush: new Histogram({
      name: 'kafka_log_logflushstats_logflushrateandtime_seconds',
      help: "Flushes (fsync) of partition logs and their duration (Kafka's LogFlushRateAndTimeMs; _count is the number of flushes).",
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    inFlight: gauge('bindery_broker_requests_in_flight', 'Requests started in their handlers and not yet answered.', [] as const),
    delayed: gauge(
      'kafka_server_delayedoperationpurgatory_purgatorysize',
      'Requests waiting: Fetch long-polls parked for data, Produce waiting for its append and flush.',
      ['delayedOperation'] as const,
      read.delayed,
    ),
    connections: gauge('kafka_server_socketservermetrics_connection_count', 'Open client connections.', [] as const, read.connections),
    logSize: gauge('kafka_log_log_size', 'Bytes of the partition log (all segments).', partition, read.logSize),
    logEndOffset: gauge('kafka_log_log_logendoffset', 'The offset the next appended record will get.', partition, read.logEndOffset),
    logStartOffset: gauge('kafka_log_log_logstartoffset', 'The first offset still in the log.', partition, read.logStartOffset),
    groups: gauge('kafka_coordinator_group_groupmetadatamanager_numgroups', 'Consumer groups, by state.', ['state'] as const, read.groups),
    members: gauge('bindery_broker_group_members', 'Members of each consumer group.', ['group'] as const, read.members),
  };
}

export type BrokerSeries = ReturnType<typeof brokerSeries>;
