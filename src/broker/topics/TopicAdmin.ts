/** CreateTopics, DeleteTopics, CreatePartitions and Metadata answered from the TopicManager. */
import { ErrorCode } from '../../protocol/errorCodes';
import { toErrorResult } from '../BrokerRequestError';
import type { BrokerConfig } from '../config/BrokerConfig';
import type { ConfigAdmin } from './ConfigAdmin';
import type { Topic } from './Topic';
import type { TopicManager } from './TopicManager';
import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  MetadataRequest,
  MetadataResponse,
  MetadataTopic,
} from './types';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export class TopicAdmin {
  constructor(
    private readonly topics: TopicManager,
    private readonly configs: ConfigAdmin,
    private readonly config: BrokerConfig,
    private readonly clusterId: string,
  ) {}

  createTopics(req: CreateTopicsRequest): CreateTopicsResponse {
    return {
      topics: req.topics.map((t) => {
        try {
          const configs = Object.fromEntries((t.configs ?? []).map((c) => [c.name, c.value]));
          const topic = this.topics.create({ name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, configs }, req.validateOnly ?? false);
          const entries = req.validateOnly ? [] : this.configs.topicEntries(topic.name);
          return {
            name: t.name,
            topicId: topic.topicId || null,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            numPartitions: req.validateOnly ? (t.numPartitions === undefined || t.numPartitions === -1 ? this.config.numPartitions : t.numPartitions) : topic.partitions.length,
            replicationFactor: 1,
            configs: entries,
          };
        } catch (err) {
          const { errorCode, errorMessage } = toErrorResult(err);
          return { name: t.name, topicId: null, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: [] };
        }
      }),
    };
  }

  deleteTopics(req: DeleteTopicsRequest): DeleteTopicsResponse {
    return {
      responses: req.topicNames.map((name) => {
        try {
          const topic = this.topics.delete(name);
          return { name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          const { errorCode, errorMessage } = toErrorResult(err);
          return { name, topicId: null, errorCode, errorMessage };
        }
      }),
    };
  }

  createPartitions(req: CreatePartitionsRequest): CreatePartitionsResponse {
    return {
      results: req.topics.map((t) => {
        try {
          this.topics.setPartitionCount(t.name, t.count, req.validateOnly ?? false);
          return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          const { errorCode, errorMessage } = toErrorResult(err);
          return { name: t.name, errorCode, errorMessage };
        }
      }),
    };
  }

  /** This node coordinates every consumer group and every transactional id. */
  findCoordinator(req: FindCoordinatorRequest): FindCoordinatorResponse {
    const { nodeId, host, port } = this.config;
    return {
      // This node coordinates every group (key type 0) and every transactional id (key type 1).
      coordinators: req.keys.map((key) =>
        (req.keyType ?? 0) === 0 || req.keyType === 1
          ? { key, nodeId, host, port, errorCode: ErrorCode.NONE, errorMessage: null }
          : { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unknown coordinator key type ${req.keyType}: 0 is a group, 1 a transactional id` },
      ),
    };
  }

  metadata(req: MetadataRequest): MetadataResponse {
    const topics: MetadataTopic[] = req.topics
      ? req.topics.map((t) => {
          try {
            return describe(this.topics.getOrAutoCreate(t.name, req.allowAutoTopicCreation ?? true), this.config.nodeId);
          } catch (err) {
            return { errorCode: toErrorResult(err).errorCode, name: t.name, topicId: ZERO_UUID, isInternal: false, partitions: [] };
          }
        })
      : this.topics.all().map((t) => describe(t, this.config.nodeId));
    return {
      brokers: [{ nodeId: this.config.nodeId, host: this.config.host, port: this.config.port, rack: null }],
      clusterId: this.clusterId,
      controllerId: this.config.nodeId,
      topics,
    };
  }
}

function describe(topic: Topic, nodeId: number): MetadataTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.isInternal,
    partitions: topic.partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: nodeId,
      leaderEpoch: 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
  };
}
