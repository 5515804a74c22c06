/**
 * A transactional listener (consumer.transactional): each record (each batch in batch mode) is
 * handed to the container inside a transaction. The sends it makes (its own, its @SendTo forward,
 * the DLQ publish) join the transaction, and the container's offset commit becomes the
 * transaction's sendOffsets, so outputs and input position commit together. When the container
 * hands the record back (a stop, a revoked partition) or throws, the transaction aborts and the
 * record is delivered again. The transactional id is `<prefix><group>.<topic>.<partition>`: the
 * member that owns a partition next fences the one before it (a producer of its own, whether the
 * previous owner is another instance or a member of this one), and only then reads the offset the
 * group committed, skipping the records the previous owner committed after this member's position
 * was read (Kafka Streams' order for a producer per partition).
 */
import type { BatchHandler, Binder, ConsumerSession, InboundBatch, TopicPartitionOffset } from '../../binder/Binder';
import type { ConsumerDefinition } from '../model';
import type { Producers } from '../producers';
import { TransactionConfigError } from './errors';
import type { ProducerLease } from './TransactionalProducerPool';

/** The binding (an output, else the listener's destination) whose transactionIdPrefix a transactional listener's ids take. */
function listenerProducerName(definition: ConsumerDefinition, producers: Producers): string {
  const outputs = definition.listeners.flatMap((l) => (l.sendTo ? [l.sendTo.binding ?? l.sendTo.topic] : []));
  for (const output of outputs) {
    if (producers.transactionIdPrefix(output) !== undefined) return output;
  }
  const fallback = String(definition.destination);
  if (producers.transactionIdPrefix(fallback) === undefined) throw new TransactionConfigError(`The transactional listener '${definition.name}'`);
  return fallback;
}

/** The prefix of a transactional listener's ids: its @SendTo output's, else the default producer's. */
export function listenerTransactionIdPrefix(definition: ConsumerDefinition, producers: Producers): string {
  return producers.transactionIdPrefix(listenerProducerName(definition, producers))!;
}

/**
 * For a producer just made for this member: the group's committed offset of the partition, read
 * after the producer fenced the previous owner (whose transactions are then complete). Records
 * below it were processed already, records from it on were not: a batch starting elsewhere is
 * skipped and the member seeks to it (true).
 */
async function resumeAtCommitted(lease: ProducerLease, binder: Binder, group: string, batch: InboundBatch, session: ConsumerSession): Promise<boolean> {
  if (!lease.unconfirmed || !binder.committedOffsets) return false;
  const { topic, partition } = batch;
  const [committed] = await binder.committedOffsets(group, [{ topic, partition }]);
  lease.confirm?.();
  if (!committed || committed.offset === batch.records[0].offset) return false;
  session.seek({ topic, partition, offset: committed.offset });
  return true;
}

export function transactionalHandler(definition: ConsumerDefinition, producers: Producers, binder: Binder, handler: BatchHandler): BatchHandler {
  const group = definition.group;
  if (group === undefined) throw new TransactionConfigError(`The transactional listener '${definition.name}' has no group, so no offsets to commit in a transaction; it`);
  const producerName = listenerProducerName(definition, producers);
  const prefix = producers.transactionIdPrefix(producerName)!;
  const output = producers.target(producerName);
  const inputConfig = producers.target(String(definition.destination)).producer;
  const runOne = async (batch: InboundBatch, session: ConsumerSession): Promise<boolean> => {
    const transaction = producers.newFixedTransaction(`${prefix}${group}.${batch.topic}.${batch.partition}`, session);
    let skip: boolean;
    try {
      const lease = await transaction.open(binder, output.destination, output.producer);
      skip = await resumeAtCommitted(lease, binder, group, batch, session);
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    if (skip) {
      await transaction.abort();
      return false;
    }
    let sought = false;
    const inTransaction: ConsumerSession = {
      commit: (offsets: TopicPartitionOffset[]) => transaction.sendOffsets(binder, group, offsets, inputConfig, session.groupMetadata?.()),
      seek: (target) => {
        sought = true;
        session.seek(target);
      },
      heartbeat: () => session.heartbeat(),
      isActive: (topic, partition) => session.isActive(topic, partition),
      seekTo: (topic, partition, position) => {
        sought = true;
        return session.seekTo(topic, partition, position);
      },
      pausePartition: (topic, partition) => session.pausePartition(topic, partition),
      resumePartition: (topic, partition) => session.resumePartition(topic, partition),
      pausedPartitions: () => session.pausedPartitions(),
      groupMetadata: () => session.groupMetadata?.(),
    };
    try {
      await producers.transactions.run(transaction, () => handler(batch, inTransaction));
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      // Nothing of the transaction is visible, whatever the container counted as done (a record
      // whose offset commit failed, e.g. fenced): everything in it is delivered again.
      session.seek({ topic: batch.topic, partition: batch.partition, offset: batch.records[0].offset });
      throw error;
    }
    if (sought) {
      await transaction.abort();
      return false;
    }
    try {
      await transaction.commit();
    } catch (error) {
      // Nothing of the record's transaction is visible: it is processed again.
      session.seek({ topic: batch.topic, partition: batch.partition, offset: batch.records[0].offset });
      throw error;
    }
    return true;
  };
  if (definition.consumer.batchMode) return async (batch, session) => void (batch.records.length > 0 && (await runOne(batch, session)));
  return async (batch, session) => {
    for (const record of batch.records) {
      if (!(await runOne({ ...batch, records: [record] }, session))) return;
    }
  };
}
