/**
 * Opens a binding's outbox: the durable store, then the first connection attempt. With an outbox a
 * binding starts even when the cluster cannot be reached; its records wait in the outbox.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { OutboundRecord } from '../../Binder';
import { silentLogger, type Logger } from '../../../logging';
import type { ResolvedKafkaBinderConfig } from '../config';
import { isConnectionFailure } from '../errors';
import { Outbox, type OutboxTransport } from './Outbox';
import { OutboxLog } from './OutboxLog';
import { readBackHeaders } from './readBack';

/** Bytes of stored records forwarded per produce request (Kafka's default max.request.size). */
const FORWARD_BYTES = 1024 * 1024;

/** What the outbox uses of the binder and the binding. */
export interface OutboxCluster {
  kafka: Kafka;
  admin(): Promise<Admin>;
  /** Makes the topic and connects the binding's producer. */
  connect(): Promise<void>;
  /** Sends through the binding's producer; the base offset per partition. */
  send(records: OutboundRecord[]): Promise<Array<{ partition: number; offset: number }>>;
}

export async function openOutbox(
  dataDir: string,
  destination: string,
  cluster: OutboxCluster,
  config: ResolvedKafkaBinderConfig,
  logger?: Logger,
): Promise<Outbox> {
  const store = OutboxLog.open(dataDir, destination, logger ?? silentLogger);
  let connected: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    connected ??= cluster.connect().catch((error: unknown) => {
      connected = null;
      throw error;
    });
    return connected;
  };
  const transport: OutboxTransport = {
    ready,
    send: (records) => cluster.send(records),
    endOffsets: async () => {
      const admin = await cluster.admin();
      return (await admin.fetchTopicOffsets(destination)).map((p) => ({ partition: p.partition, offset: Number(p.high) }));
    },
    readBack: (ranges, headerKey) => readBackHeaders(cluster.kafka, destination, ranges, headerKey, config.requestTimeoutMs),
  };
  const outbox = new Outbox(
    store,
    transport,
    { initialRetryMs: config.retry.initialRetryTime, maxRetryMs: config.retry.maxRetryTime, forwardBytes: FORWARD_BYTES },
    logger,
  );
  try {
    await ready();
  } catch (error) {
    if (!isConnectionFailure(error)) {
      await outbox.close();
      throw error;
    }
    outbox.markUnreachable();
    logger?.warn(`kafka binder: the cluster cannot be reached; records for '${destination}' wait in the outbox ${store.dir}`);
  }
  return outbox;
}
