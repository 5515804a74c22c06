/**
 * The framework's Prometheus series, created once per registry. Names follow Prometheus
 * conventions: `bindery_` prefix, base units (seconds, records), `_total` for counters.
 * docs/operations.md lists each with its labels.
 */
import type { Registry } from 'prom-client';
import { LocalHistogram, LocalValue, registered } from './localSeries';

/** From half a millisecond (an in-memory send) to ten seconds (a slow handler). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const LISTENER = ['binding', 'destination', 'group'] as const;
const LISTENER_PARTITION = ['binding', 'destination', 'group', 'partition'] as const;

export function frameworkSeries(registry: Registry) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    registered(registry, new LocalValue<L>(name, help, 'counter', labelNames));
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    registered(registry, new LocalValue<L>(name, help, 'gauge', labelNames));
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    registered(registry, new LocalHistogram<L>(name, help, labelNames, LATENCY_BUCKETS));
  return {
    received: counter('bindery_listener_records_received_total', 'Records delivered to a consumer binding.', LISTENER_PARTITION),
    processed: counter(
      'bindery_listener_records_processed_total',
      'Records finished by a consumer binding, by outcome: success, failure (given up, no DLQ), dead_lettered, skipped (already processed), filtered (no listener condition matched).',
      [...LISTENER_PARTITION, 'outcome'] as const,
    ),
    processing: histogram('bindery_listener_processing_seconds', 'Time from delivery of a record (or batch) to its outcome, retries and backoff included.', LISTENER),
    retries: counter('bindery_listener_retries_total', 'Failed attempts that were retried.', LISTENER),
    deadLetterSends: counter('bindery_listener_dead_letter_sends_total', 'Records published to a dead-letter topic.', LISTENER),
    deadLetterErrors: counter('bindery_listener_dead_letter_errors_total', 'Dead-letter publications that failed (the record is delivered again).', LISTENER),
    commit: histogram('bindery_listener_commit_seconds', 'Offset commits of a consumer binding and their latency (_count is the number of commits).', ['binding', 'group'] as const),
    rebalances: counter('bindery_listener_rebalances_total', 'Partition assignments received by a consumer binding.', ['binding', 'group'] as const),
    assigned: gauge('bindery_listener_assigned_partitions', 'Partitions currently assigned to a consumer binding.', ['binding', 'group'] as const),
    lag: gauge('bindery_listener_lag_records', "The partition's high watermark minus the binding's committed position (else its fetch position).", LISTENER_PARTITION),
    sent: counter('bindery_producer_records_sent_total', 'Records acknowledged by the binder.', ['destination'] as const),
    sendLatency: histogram('bindery_producer_send_seconds', 'Time from send to acknowledgement.', ['destination'] as const),
    sendErrors: counter('bindery_producer_send_errors_total', 'Sends that failed, by error class.', ['destination', 'error'] as const),
    outboxRecords: gauge('bindery_outbox_records', "Records waiting in an output's durable outbox (kafka binder producer.outbox) for the cluster.", ['destination'] as const),
    storeLatency: histogram('bindery_idempotency_store_seconds', 'Idempotency store calls and their latency.', ['binding', 'operation'] as const),
    storeErrors: counter('bindery_idempotency_store_errors_total', 'Idempotency store calls that failed.', ['binding', 'operation'] as const),
    repliesDropped: counter('bindery_requester_replies_dropped_total', 'Replies a Requester dropped, by reason: late (its request had timed out) or unknown (no request has its correlation id).', ['reason'] as const),
  };
}

export type FrameworkSeries = ReturnType<typeof frameworkSeries>;
