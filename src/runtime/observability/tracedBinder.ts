/**
 * A binder whose sends run in producer spans and whose listeners run in consumer spans: tracing
 * wraps the Binder SPI the runtime talks to, so the listener container itself carries no tracing.
 *
 * A record listener gets one span per record, so the records of one fetched batch are handed to
 * the container one at a time, each inside its own span. The container commits after each such
 * hand-over; commits of records before the last are held back and the last one carries them (a
 * partition's committed offset covers everything before it), so a traced binding commits as often
 * as an untraced one.
 */
import type {
  Binder, BatchHandler, ConsumerBinding, ConsumerOptions, ConsumerSession, Destination, InboundBatch, InboundRecord,
  OutboundRecord, ProducerBinding, ProducerOptions, SeekPosition, SendResult, TopicPartition, TopicPartitionOffset,
} from '../../binder/Binder';
import type { ConsumerDefinition } from '../model';
import type { MessagingTracing } from './tracing';

export function tracedBinder(binder: Binder, tracing: MessagingTracing): Binder {
  return {
    get name() {
      return binder.name;
    },
    provisionTopic: (topic, partitions) => binder.provisionTopic(topic, partitions),
    // Sends of a transaction go through the binder's transactional producer, untraced.
    transactionalProducer: binder.transactionalProducer ? (id, options) => binder.transactionalProducer!(id, options) : undefined,
    close: (handlerWaitMs) => binder.close(handlerWaitMs),
    async bindProducer(destination: string, options?: ProducerOptions): Promise<ProducerBinding> {
      return tracedProducer(await binder.bindProducer(destination, options), tracing);
    },
    bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler): Promise<ConsumerBinding> {
      const definition = tracing.bindingOf(options);
      if (!definition) return binder.bindConsumer(destination, options, handler);
      return binder.bindConsumer(destination, options, tracedHandler(definition, handler, tracing));
    },
  };
}

function tracedProducer(binding: ProducerBinding, tracing: MessagingTracing): ProducerBinding {
  const send = (record: OutboundRecord): Promise<SendResult> => tracing.send(binding.destination, record, (r) => binding.send(r));
  return {
    destination: binding.destination,
    send,
    sendMany: (records) => Promise.all(records.map(send)),
    flush: () => binding.flush(),
    close: () => binding.close(),
    get outboxStatus() {
      return binding.outboxStatus;
    },
  };
}

function tracedHandler(definition: ConsumerDefinition, handler: BatchHandler, tracing: MessagingTracing): BatchHandler {
  if (definition.consumer.batchMode) {
    return (batch, session) => (batch.records.length === 0 ? handler(batch, session) : tracing.process(definition, batch.records, () => handler(batch, session)));
  }
  return async (batch, session) => {
    const records = batch.records;
    if (records.length <= 1) {
      if (records.length === 0) return handler(batch, session);
      return tracing.process(definition, records, () => handler(batch, session));
    }
    const gate = new HandOverSession(session, batch);
    let failed = false;
    try {
      for (let i = 0; i < records.length; i++) {
        gate.begin(i === records.length - 1);
        const record = records[i];
        await tracing.process(definition, [record], () => handler(oneRecord(batch, record), gate));
        // The container handed the rest back (stop, pause, retry exhausted with a stop): it sees them again.
        if (gate.sought) break;
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      gate.end();
      // Offsets held back and not carried by a later commit (the container stopped early).
      if (!failed) await gate.flush();
      else await gate.flush().catch(() => undefined);
    }
  };
}

function oneRecord(batch: InboundBatch, record: InboundRecord): InboundBatch {
  return { topic: batch.topic, partition: batch.partition, highWatermark: batch.highWatermark, records: [record] };
}

/** The session handed to the container for one record of a batch: holds back its commits until the last. */
class HandOverSession implements ConsumerSession {
  sought = false;
  private last = false;
  private active = true;
  private held: TopicPartitionOffset[] | undefined;

  constructor(
    private readonly session: ConsumerSession,
    private readonly batch: InboundBatch,
  ) {}

  begin(last: boolean): void {
    this.last = last;
    this.sought = false;
  }

  /** The batch is over: acknowledgments made later (manual_immediate) commit at once. */
  end(): void {
    this.active = false;
  }

  commit(offsets: TopicPartitionOffset[]): Promise<void> {
    const ownPartition = offsets.every((o) => o.topic === this.batch.topic && o.partition === this.batch.partition);
    if (this.active && !this.last && !this.sought && ownPartition) {
      this.held = offsets;
      return Promise.resolve();
    }
    if (ownPartition) this.held = undefined;
    return this.session.commit(offsets);
  }

  async flush(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await this.session.commit(held);
  }

  seek(target: TopicPartitionOffset): void {
    this.sought = true;
    this.session.seek(target);
  }

  seekTo(topic: string, partition: number, position: SeekPosition): Promise<void> {
    this.sought = true;
    return this.session.seekTo(topic, partition, position);
  }

  pausePartition(topic: string, partition: number): void {
    this.session.pausePartition(topic, partition);
  }

  resumePartition(topic: string, partition: number): void {
    this.session.resumePartition(topic, partition);
  }

  pausedPartitions(): TopicPartition[] {
    return this.session.pausedPartitions();
  }

  heartbeat(): Promise<void> {
    return this.session.heartbeat();
  }

  isActive(topic: string, partition: number): boolean {
    return this.session.isActive(topic, partition);
  }
}
