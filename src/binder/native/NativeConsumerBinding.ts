/**
 * A consumer binding of the native binder: `concurrency` members of one group over the
 * in-process broker. An anonymous binding gets a fresh group id, never commits, and starts where
 * the topics end when it is bound; a named group starts where it committed, else per startOffset.
 */
import type { Broker } from '../../broker/Broker';
import { OffsetSpec } from '../../broker/fetch/types';
import { ErrorCode } from '../../protocol/errorCodes';
import type { PartitionAssignor } from '../../protocol/consumer/Assignor';
import type { BatchHandler, ConsumerBinding, ConsumerOptions, SeekPosition } from '../Binder';
import { CONSUMER_OPTION_DEFAULTS } from '../consumerDefaults';
import type { ConsumerGroup } from '../consumer/consumerGroupOf';
import { memberSettingsOf } from '../consumer/MemberSettings';
import { explicitAssignments } from '../consumer/explicitAssignments';
import { seekInBinding } from '../consumer/seekAssigned';
import { topicPartitionKey } from '../consumer/topicPartitionKey';
import { NativeConsumerMember } from './NativeConsumerMember';
import { GroupMembership } from './GroupMembership';

export interface BindingSettings {
  group: ConsumerGroup;
  topics: string[];
  assignor: PartitionAssignor;
  fetchMaxWaitMs: number;
  fetchMaxBytesPerPartition: number;
  inProcessHeartbeatMs: number;
  /** Set for a RegExp destination: matching topics are looked up again this often. */
  pattern?: { regexp: RegExp; refreshMs: number; matching: () => Promise<string[]> };
  reportError(message: string, error: unknown): void;
}

export class NativeConsumerBinding implements ConsumerBinding {
  private paused: boolean;
  private stopping: Promise<void> | null = null;
  private readonly members: NativeConsumerMember[] = [];
  private patternTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly broker: Broker,
    readonly group: string | undefined,
    private readonly settings: BindingSettings,
    startPaused: boolean,
    private readonly onStop: () => void,
  ) {
    this.paused = startPaused;
  }

  static async create(
    broker: Broker,
    options: ConsumerOptions,
    handler: BatchHandler,
    settings: BindingSettings,
    onStop: () => void,
  ): Promise<NativeConsumerBinding> {
    const binding = new NativeConsumerBinding(broker, options.group, settings, options.startPaused ?? false, onStop);
    const group = settings.group;
    const startPositions = group.startOffset === 'latest' ? await binding.topicEnds() : new Map<string, number>();
    const sessionTimeoutMs = options.sessionTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.sessionTimeoutMs;
    const localOffsets = new Map<string, number>();
    const heartbeatMs = Math.max(1, Math.min(options.heartbeatIntervalMs ?? CONSUMER_OPTION_DEFAULTS.heartbeatIntervalMs, settings.inProcessHeartbeatMs));
    const fixed = explicitAssignments(options, group.members);
    for (let i = 0; i < (fixed?.length ?? group.members); i++) {
      const membership = new GroupMembership(broker, {
        fixedAssignment: fixed?.[i],
        groupId: group.id,
        clientId: `bindery-native-${i}`,
        topics: settings.topics,
        sessionTimeoutMs,
        rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.rebalanceTimeoutMs,
        assignor: settings.assignor,
      });
      binding.members.push(
        new NativeConsumerMember(broker, membership, handler, {
          ...memberSettingsOf(options, group, () => binding.paused, settings.reportError),
          startPositions,
          localOffsets,
          fetchMaxWaitMs: settings.fetchMaxWaitMs,
          fetchMaxBytesPerPartition: settings.fetchMaxBytesPerPartition,
          heartbeatMs,
          readCommitted: (options.isolationLevel ?? CONSUMER_OPTION_DEFAULTS.isolationLevel) === 'read_committed',
        }),
      );
    }
    try {
      // Started together, the members of a new group form its first generation together.
      await Promise.all(binding.members.map((member) => member.start()));
    } catch (error) {
      await binding.stop();
      throw error;
    }
    binding.watchPattern();
    return binding;
  }

  pause(): void {
    this.paused = true;
    for (const member of this.members) member.wake();
  }

  resume(): void {
    this.paused = false;
    for (const member of this.members) member.wake();
  }

  isPaused(): boolean {
    return this.paused;
  }

  seekTo(topic: string, partition: number, position: SeekPosition): Promise<void> {
    return seekInBinding(this.members, topic, partition, position);
  }

  stop(handlerWaitMs?: number): Promise<void> {
    this.stopping ??= (async () => {
      if (this.patternTimer) clearTimeout(this.patternTimer);
      await Promise.all(this.members.map((member) => member.stop(handlerWaitMs)));
      if (this.settings.group.anonymous) await this.broker.deleteGroups([this.settings.group.id]).catch(() => undefined);
      this.onStop();
    })();
    return this.stopping;
  }

  /** Topics created (or deleted) after binding join a pattern subscription at the next look-up. */
  private watchPattern(): void {
    const pattern = this.settings.pattern;
    if (!pattern) return;
    this.patternTimer = setTimeout(async () => {
      try {
        const topics = await pattern.matching();
        const current = this.settings.topics;
        if (this.stopping) return;
        if (topics.length !== current.length || topics.some((t) => !current.includes(t))) {
          this.settings.topics = topics;
          for (const member of this.members) member.resubscribe(topics);
        }
      } catch (error) {
        this.settings.reportError(`looking up topics matching ${pattern.regexp}`, error);
      }
      if (!this.stopping) this.watchPattern();
    }, pattern.refreshMs);
  }

  /** The end of every partition of the bound topics now ('latest' starts here, not at the first fetch). */
  private async topicEnds(): Promise<Map<string, number>> {
    const metadata = await this.broker.metadata({ topics: this.settings.topics.map((name) => ({ name })), allowAutoTopicCreation: false });
    const request = metadata.topics
      .filter((t) => t.errorCode === ErrorCode.NONE)
      .map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, timestamp: OffsetSpec.LATEST })) }));
    const ends = new Map<string, number>();
    if (request.length === 0) return ends;
    const response = await this.broker.listOffsets({ topics: request });
    for (const t of response.topics) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) ends.set(topicPartitionKey(t.name, p.partitionIndex), p.offset);
    return ends;
  }
}
