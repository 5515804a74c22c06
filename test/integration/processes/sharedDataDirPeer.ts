/**
 * A process of the shared-dataDir tests (forked from dist/ by the tests): a native binder on the
 * given dataDir that produces its range of keyed records and/or consumes the topic in a group,
 * reporting through IPC what was acknowledged and what it consumed. The parent ends it with
 * { kind: 'stop' } or SIGKILL.
 *
 * Record value: JSON { name, i }; key: `${name}-k${i % keys}`, so i increases along every key.
 */
import { NativeBinder } from '../../../src/binder/native/NativeBinder';
import { ConsoleLogger } from '../../../src/logging';
import type { InboundBatch, ConsumerSession } from '../../../src/binder/Binder';

export interface PeerSettings {
  name: string;
  dataDir: string;
  topic: string;
  group: string;
  partitions: number;
  /** Records i in [from, to) are sent in chunks, one chunk in flight at a time. */
  produce?: { from: number; to: number; keys: number; chunk: number };
  consume: boolean;
  sessionTimeoutMs: number;
}

export type PeerMessage =
  | { kind: 'ready'; pid: number; serving: boolean }
  | { kind: 'acked'; name: string; from: number; to: number }
  | { kind: 'send-failed'; name: string; from: number; to: number; message: string }
  | { kind: 'produced'; name: string }
  | { kind: 'consumed'; pid: number; records: Array<[name: string, i: number, partition: number, offset: number]> }
  | { kind: 'failed'; message: string };

const settings = JSON.parse(process.env.BINDERY_SHARED_DATADIR_PEER ?? '{}') as PeerSettings;

function tell(message: PeerMessage): void {
  process.send?.(message);
}

const logger = new ConsoleLogger('info', { peer: settings.name, pid: process.pid });

async function produce(binder: NativeBinder, plan: NonNullable<PeerSettings['produce']>): Promise<void> {
  const producer = await binder.bindProducer(settings.topic, { partitionCount: settings.partitions });
  for (let from = plan.from; from < plan.to; from += plan.chunk) {
    const to = Math.min(from + plan.chunk, plan.to);
    const records = [];
    for (let i = from; i < to; i++) {
      records.push({ key: Buffer.from(`${settings.name}-k${i % plan.keys}`), value: Buffer.from(JSON.stringify({ name: settings.name, i })) });
    }
    try {
      await producer.sendMany(records);
      tell({ kind: 'acked', name: settings.name, from, to });
    } catch (error) {
      tell({ kind: 'send-failed', name: settings.name, from, to, message: (error as Error).message });
    }
  }
  tell({ kind: 'produced', name: settings.name });
}

async function consume(binder: NativeBinder): Promise<void> {
  await binder.bindConsumer(
    settings.topic,
    { group: settings.group, partitionCount: settings.partitions, sessionTimeoutMs: settings.sessionTimeoutMs, heartbeatIntervalMs: 500 },
    async (batch: InboundBatch, session: ConsumerSession) => {
      const records = batch.records.map((r): [string, number, number, number] => {
        const { name, i } = JSON.parse(r.value!.toString()) as { name: string; i: number };
        return [name, i, r.partition, r.offset];
      });
      tell({ kind: 'consumed', pid: process.pid, records });
      const last = batch.records[batch.records.length - 1];
      await session.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
    },
  );
}

async function main(): Promise<void> {
  const binder = new NativeBinder({ dataDir: settings.dataDir, defaultPartitions: settings.partitions }, logger);
  await binder.provisionTopic(settings.topic, settings.partitions);
  const serving = await binder.broker().then(
    () => true,
    () => false,
  );
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'stop') void binder.close(2000).then(() => process.exit(0));
  });
  tell({ kind: 'ready', pid: process.pid, serving });
  if (settings.consume) await consume(binder);
  if (settings.produce) await produce(binder, settings.produce);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (process.send) process.send({ kind: 'failed', message } satisfies PeerMessage, () => process.exit(1));
  else process.exit(1);
});
