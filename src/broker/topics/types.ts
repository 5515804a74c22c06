/** Admin requests and responses of the in-process broker, field for field as Kafka's. */

export interface ConfigKV {
  name: string;
  value: string | null;
}

export interface CreatableTopic {
  name: string;
  /** -1 = the broker's num.partitions. */
  numPartitions?: number;
  /** -1 or 1 on a single node. */
  replicationFactor?: number;
  configs?: ConfigKV[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs?: number;
  validateOnly?: boolean;
}

export interface CreatableTopicResult {
  name: string;
  topicId: string | null;
  errorCode: number;
  errorMessage: string | null;
  numPartitions: number;
  replicationFactor: number;
  configs: DescribeConfigsEntry[];
}

export interface CreateTopicsResponse {
  topics: CreatableTopicResult[];
}

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs?: number;
}

export interface DeleteTopicsResponse {
  responses: { name: string; topicId: string | null; errorCode: number; errorMessage: string | null }[];
}

export interface CreatePartitionsRequest {
  topics: { name: string; count: number }[];
  timeoutMs?: number;
  validateOnly?: boolean;
}

export interface CreatePartitionsResponse {
  results: { name: string; errorCode: number; errorMessage: string | null }[];
}

/** Kafka's ConfigResource types. */
export const ResourceType = { TOPIC: 2, BROKER: 4, GROUP: 32 } as const;

/** Kafka's DescribeConfigs config sources. */
export const ConfigSourceCode = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  GROUP_CONFIG: 8,
} as const;

export interface DescribeConfigsSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribeConfigsRequest {
  resources: { resourceType: number; resourceName: string; configurationKeys?: string[] | null }[];
  includeSynonyms?: boolean;
  includeDocumentation?: boolean;
}

export interface DescribeConfigsEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  /** Filled when the request asks for synonyms (DescribeConfigs v1+), most specific first. */
  synonyms: DescribeConfigsSynonym[];
  /** Kafka's ConfigEntry.ConfigType id (DescribeConfigs v3+). */
  configType: number;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsEntry[];
}

export interface DescribeConfigsResponse {
  results: DescribeConfigsResult[];
}

export interface AlterConfigsRequest {
  resources: { resourceType: number; resourceName: string; configs: ConfigKV[] }[];
  validateOnly?: boolean;
}

/** IncrementalAlterConfigs operations. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface IncrementalAlterConfigsRequest {
  resources: { resourceType: number; resourceName: string; configs: (ConfigKV & { configOperation: number })[] }[];
  validateOnly?: boolean;
}

export interface AlterConfigsResponse {
  responses: { errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }[];
}

export interface MetadataRequest {
  /** null = every topic. */
  topics: { name: string }[] | null;
  allowAutoTopicCreation?: boolean;
}

export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
  clusterId: string;
  controllerId: number;
  topics: MetadataTopic[];
}

export interface DescribeLogDirsRequest {
  /** null = every partition. */
  topics: { topic: string; partitions: number[] }[] | null;
}

/** One log directory as Kafka's DescribeLogDirs reports it; -1 space when unknown (in-memory broker). */
export interface LogDirDescription {
  errorCode: number;
  logDir: string;
  topics: { name: string; partitions: { partitionIndex: number; partitionSize: number; offsetLag: number; isFutureKey: boolean }[] }[];
  totalBytes: number;
  usableBytes: number;
}

/** FindCoordinator, v4+ shape (one entry per key; older versions use the first). */
export interface FindCoordinatorRequest {
  /** 0 = consumer group, 1 = transaction. */
  keyType?: number;
  keys: string[];
}

export interface FindCoordinatorResponse {
  coordinators: { key: string; nodeId: number; host: string; port: number; errorCode: number; errorMessage: string | null }[];
}
