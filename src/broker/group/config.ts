import { defaultsOf, define, type ConfigDefs } from '../../protocol/config/ConfigDef';

/** Coordinator settings, named after the Kafka broker configs they mirror. */
export interface GroupCoordinatorConfig {
  /** offsets.topic.num.partitions */
  offsetsTopicPartitions: number;
  /** group.initial.rebalance.delay.ms: how long a new group waits for more members before its first generation. */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.max.size */
  maxGroupSize: number;
  /** How long a new member may wait for its first JoinGroup response before it is dropped. */
  newMemberJoinTimeoutMs: number;
  /** offset.metadata.max.bytes */
  offsetMetadataMaxBytes: number;
  /** offsets.retention.minutes, in milliseconds */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number;
}

/**
 * The coordinator settings, declared once. group.initial.rebalance.delay.ms is 0, as in the
 * server.properties Kafka ships for development and tests: an embedded broker's group forms at once
 * instead of waiting for members that, in one process, have all joined already.
 */
export const GROUP_COORDINATOR_CONFIG_DEFS: ConfigDefs<GroupCoordinatorConfig> = {
  offsetsTopicPartitions: define.integer(50, 1, 'partitions of `__consumer_offsets` the coordinator maps groups onto', {
    kafkaName: 'offsets.topic.num.partitions',
  }),
  initialRebalanceDelayMs: define.integer(0, 0, "how long a new group waits for more members before its first generation (Kafka's own default: 3000)", {
    kafkaName: 'group.initial.rebalance.delay.ms',
  }),
  minSessionTimeoutMs: define.integer(6000, 0, 'lowest session timeout a member may ask for', { kafkaName: 'group.min.session.timeout.ms' }),
  maxSessionTimeoutMs: define.integer(1_800_000, 0, 'highest session timeout a member may ask for', { kafkaName: 'group.max.session.timeout.ms' }),
  maxGroupSize: define.integer(Number.MAX_SAFE_INTEGER, 1, 'members one group may have', { kafkaName: 'group.max.size', defaultDoc: 'unbounded' }),
  newMemberJoinTimeoutMs: define.integer(300_000, 1, 'how long a new member may wait for its first JoinGroup response before it is dropped'),
  offsetMetadataMaxBytes: define.integer(4096, 0, 'largest metadata string of a committed offset', { kafkaName: 'offset.metadata.max.bytes' }),
  offsetsRetentionMs: define.integer(7 * 24 * 60 * 60 * 1000, 1, "how long an empty group's committed offsets are kept (offsets.retention.minutes, in ms)"),
  offsetsRetentionCheckIntervalMs: define.integer(600_000, 1, 'how often expired offsets are removed', { kafkaName: 'offsets.retention.check.interval.ms' }),
};

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = defaultsOf(GROUP_COORDINATOR_CONFIG_DEFS);
