/**
 * Types a user's code refers to and that also serve as injection tokens, so they are abstract
 * classes (a TypeScript interface leaves nothing at run time to inject by).
 */

/** Headers as the user writes them: strings or raw bytes. */
export type HeaderValues = Record<string, string | Buffer>;

export interface SendOptions {
  /** Partitioning key: messages with one key keep their order. */
  key?: string | Buffer | null;
  headers?: HeaderValues;
  /** Send to this partition instead of hashing the key. */
  partition?: number;
  /** Overrides the binding's content type for this message. */
  contentType?: string;
}

/** Where a sent record went; one type from the binder SPI up to the services' channels. */
export type { SendResult } from '../binder/Binder';
import type { SendResult } from '../binder/Binder';

/** An output channel: what @Output properties and `@Output(name)` constructor parameters hold. */
export abstract class MessageChannel {
  abstract readonly binding: string;
  abstract readonly destination: string;
  abstract send(payload: unknown, options?: SendOptions): Promise<SendResult>;
}

/** The input side of a binding interface; messages reach it through listeners only. */
export abstract class InputChannel {
  abstract readonly binding: string;
  abstract readonly destination: string;
}

/** Manual acknowledgment of the record (or batch) a listener was given (ackMode manual / manual_immediate). */
export abstract class Acknowledgment {
  /** Marks the record processed; its offset is committed (at once for manual_immediate). */
  abstract ack(): void;
  /** Redelivers this record and the rest of its batch after `sleepMs`; nothing after it is committed. */
  abstract nack(sleepMs?: number): void;
}

/**
 * Where RecordContext.seek moves a partition: its first record, past its last one, an offset, or
 * the first record at or after a timestamp (the binder SPI's SeekPosition).
 */
export type SeekTarget = 'beginning' | 'end' | { offset: number } | { timestamp: number };

/** Moves partitions a listener holds (Spring's ConsumerSeekCallback): rejects for a partition it does not hold. */
export interface ConsumerSeekCallback {
  seekTo(topic: string, partition: number, target: SeekTarget): Promise<void>;
}

/**
 * Implemented by a listener service (Spring's ConsumerSeekAware): `onPartitionsAssigned` hears
 * each new assignment of the service's listeners before any of its records is delivered; seeks
 * made before the promise it returns settles apply to the first delivery.
 */
export interface ConsumerSeekAware {
  onPartitionsAssigned(assignment: Array<{ topic: string; partition: number }>, seeker: ConsumerSeekCallback): void | Promise<void>;
}

/** Handed to a listener's onIdle method (Spring's ListenerContainerIdleEvent). */
export interface ListenerIdleEvent {
  /** The binding name or @KafkaListener id. */
  listenerId: string;
  /** The partitions of the consumer member that received nothing. */
  partitions: Array<{ topic: string; partition: number }>;
  /** How long it has received nothing, ms. */
  idleMs: number;
}

/** Where a received record came from. */
export abstract class RecordContext {
  abstract readonly topic: string;
  abstract readonly partition: number;
  abstract readonly offset: number;
  abstract readonly key: Buffer | null;
  abstract readonly timestamp: number;
  abstract readonly headers: Record<string, string>;
  /** The record's headers as sent: every one in order (repeats included), values as bytes. */
  abstract readonly rawHeaders: ReadonlyArray<{ readonly key: string; readonly value: Buffer | null }>;
  /** Number of the delivery attempt that is running, from 1. */
  abstract readonly attempt: number;
  /** The last header of that name as bytes (null for a null value, undefined when absent). */
  abstract rawHeader(name: string): Buffer | null | undefined;
  /**
   * Moves this record's partition (or another one this consumer holds) to `target`, as Spring's
   * ConsumerSeekCallback: the records in hand are still processed, the next delivery starts there.
   * Rejects with PartitionNotAssignedError for a partition not held, SeekTimestampInFutureError
   * for a timestamp later than now.
   */
  abstract seek(target: SeekTarget, partition?: { topic: string; partition: number }): Promise<void>;
  /** Delivers nothing more of this record's partition, after the records in hand, until resumePartition(). */
  abstract pausePartition(): void;
  abstract resumePartition(): void;
}
