/**
 * The native binder of a process that reaches a shared data directory through the process serving
 * it: the kafka binder's machinery (kafkajs) against that process's loopback listener, with the
 * native binder's partition and assignor defaults, so its members share groups with in-process
 * members of the serving process. After a hand-over kafkajs reconnects by itself (the successor
 * serves on the same port when it can); when the port changed, the bootstrap list it reads on each
 * connection is pointed at the new one.
 */
import type { BatchHandler, Binder, ConsumerBinding, ConsumerOptions, Destination, ProducerBinding, ProducerOptions } from '../../Binder';
import { KafkaBinder } from '../../kafka/KafkaBinder';
import { KafkaConnectionError } from '../../kafka/errors';
import type { Logger } from '../../../logging';
import type { ResolvedNativeBinderConfig } from '../config';
import type { SharedDataDir } from './SharedDataDir';

/** Enough retries to ride out a hand-over (the successor recovers the log before it serves). */
const HAND_OVER_RETRY = { retries: 10, initialRetryTime: 100, maxRetryTime: 30000 };
/** Wait before binding again when a hand-over cut a binding short. */
const REBIND_BACKOFF_MS = 200;

export class SharedDataDirClientBinder implements Binder {
  readonly name = 'native';
  private readonly kafka: KafkaBinder;
  private readonly unfollow: () => void;

  constructor(
    private readonly shared: SharedDataDir,
    private readonly config: ResolvedNativeBinderConfig,
    logger: Logger | undefined,
  ) {
    const { host, port } = shared.announcement;
    // kafkajs would log a hand-over as crashes and reconnects: the hand-over has its own log line, and
    // what the binder cannot ride out still reaches the application as a failed send or consumer error.
    this.kafka = new KafkaBinder(
      { brokers: [`${host}:${port}`], clientId: `bindery-native-${process.pid}`, assignor: config.assignor, retry: HAND_OVER_RETRY, logLevel: 'nothing' },
      logger,
    );
    // kafkajs reads the bootstrap array each time it connects to a seed broker.
    const brokers = this.kafka.config.brokers;
    this.unfollow = shared.onAnnouncement((a) => brokers.splice(0, brokers.length, `${a.host}:${a.port}`));
  }

  provisionTopic(topic: string, partitions: number): Promise<void> {
    return this.acrossHandOver(() => this.kafka.provisionTopic(topic, partitions));
  }

  bindProducer(destination: string, options: ProducerOptions = {}): Promise<ProducerBinding> {
    return this.acrossHandOver(() => this.kafka.bindProducer(destination, { ...options, partitionCount: options.partitionCount ?? this.config.defaultPartitions }));
  }

  bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler): Promise<ConsumerBinding> {
    return this.acrossHandOver(() =>
      this.kafka.bindConsumer(destination, { ...options, partitionCount: options.partitionCount ?? this.config.defaultPartitions }, handler),
    );
  }

  /**
   * Binds again when the serving process went away while binding (a failed binding leaves nothing
   * behind), until a successor serves the log or the hand-off timeout passes.
   */
  private async acrossHandOver<T>(bind: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.config.handOffTimeoutMs;
    for (;;) {
      const handOvers = this.shared.handOvers;
      try {
        return await bind();
      } catch (error) {
        if (this.shared.isClosed || Date.now() > deadline) throw error;
        // The holder's election socket may report its close after kafkajs reported the broken
        // connection, and kafkajs fails in several ways when a connection closes mid-request.
        await new Promise((resolve) => setTimeout(resolve, REBIND_BACKOFF_MS));
        if (!(error instanceof KafkaConnectionError) && this.shared.handOvers === handOvers) throw error;
      }
    }
  }

  async close(handlerWaitMs?: number): Promise<void> {
    this.unfollow();
    await this.kafka.close(handlerWaitMs);
  }
}
