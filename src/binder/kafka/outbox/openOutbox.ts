/**
 * Opens a binding's outbox: the durable store, then the first connection attempt. With an outbox a
 * binding starts even when the cluster cannot be reached; its records wait in the outbox.
 */
import type { OutboundRecord } from '../../Binder';
import type { BinderLogger } from '../../registry';
import type { ResolvedKafkaBinderConfig } from '../config';
import { isConnectionFailure } from '../errors';
import { Outbox } from './Outbox';
import { OutboxLog } from './OutboxLog';

/** Bytes of stored records forwarded per produce request (Kafka's default max.request.size). */
const FORWARD_BYTES = 1024 * 1024;

export async function openOutbox(
  dataDir: string,
  destination: string,
  connect: () => Promise<void>,
  send: (records: OutboundRecord[]) => Promise<void>,
  config: ResolvedKafkaBinderConfig,
  logger?: BinderLogger,
): Promise<Outbox> {
  const store = OutboxLog.open(dataDir, destination, { warn: (message) => logger?.warn(message) });
  let connected: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    connected ??= connect().catch((error: unknown) => {
      connected = null;
      throw error;
    });
    return connected;
  };
  const outbox = new Outbox(
    store,
    { ready, send },
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
