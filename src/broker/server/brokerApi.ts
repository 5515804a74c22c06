import type { FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse, DeleteRecordsRequest, DeleteRecordsResponse } from '../fetch/types';
import type { ProduceRequest, ProduceResponse } from '../produce/types';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../produce/ProducerIdManager';
import type {
  AlterConfigsRequest,
  AlterConfigsResponse,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  DescribeLogDirsRequest,
  IncrementalAlterConfigsRequest,
  LogDirDescription,
  MetadataRequest,
  MetadataResponse,
} from '../topics/types';
import type {
  DeleteGroupResult,
  DescribedGroup,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../group/types';
import type { ServerServices } from './services';
import type { TransactionCoordinator } from '../txn';
import type { Partition } from '../partition/Partition';
import type { Awaitable } from './handlers/convert';

/** What the wire handlers need from the broker engine (src/broker/Broker.ts provides it). */
export interface BrokerApi {
  /** The name of the topic with this id (Fetch v13+, Metadata v10+, DeleteTopics v6). */
  topicNameById(topicId: string): string | undefined;
  metadata(req: MetadataRequest): Awaitable<MetadataResponse>;
  produce(req: ProduceRequest): Promise<ProduceResponse>;
  fetch(req: FetchRequest): Promise<FetchResponse>;
  listOffsets(req: ListOffsetsRequest): Awaitable<ListOffsetsResponse>;
  deleteRecords(req: DeleteRecordsRequest): Awaitable<DeleteRecordsResponse>;
  createTopics(req: CreateTopicsRequest): Awaitable<CreateTopicsResponse>;
  deleteTopics(req: DeleteTopicsRequest): Awaitable<DeleteTopicsResponse>;
  createPartitions(req: CreatePartitionsRequest): Awaitable<CreatePartitionsResponse>;
  describeConfigs(req: DescribeConfigsRequest): Awaitable<DescribeConfigsResponse>;
  alterConfigs(req: AlterConfigsRequest): Awaitable<AlterConfigsResponse>;
  incrementalAlterConfigs(req: IncrementalAlterConfigsRequest): Awaitable<AlterConfigsResponse>;
  describeLogDirs(req: DescribeLogDirsRequest): Awaitable<LogDirDescription[]>;
  initProducerId(req: InitProducerIdRequest): Awaitable<InitProducerIdResponse>;
  joinGroup(req: JoinGroupRequest): Promise<JoinGroupResponse>;
  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResponse>;
  heartbeat(req: HeartbeatRequest): Awaitable<HeartbeatResponse>;
  leaveGroup(req: LeaveGroupRequest): Awaitable<LeaveGroupResponse>;
  commitOffsets(req: OffsetCommitRequest): Awaitable<OffsetCommitResponse>;
  fetchOffsets(req: OffsetFetchRequest): Awaitable<OffsetFetchResponse>;
  describeGroups(groupIds: string[]): Awaitable<DescribedGroup[]>;
  listGroups(statesFilter?: string[] | null): Awaitable<ListGroupsResponse>;
  deleteGroups(groupIds: string[]): Awaitable<DeleteGroupResult[]>;
  deleteOffsets(req: OffsetDeleteRequest): Awaitable<OffsetDeleteResponse>;
  /** A partition (its producer state and open transactions: DescribeProducers), or undefined. */
  partition(topic: string, index: number): Partition | undefined;
  /** The transaction coordinator (InitProducerId with a transactional id, AddPartitionsToTxn, EndTxn, ...). */
  readonly transactions: TransactionCoordinator;
}

/** The group half of BrokerApi. */
export type GroupApi = Pick<
  BrokerApi,
  'joinGroup' | 'syncGroup' | 'heartbeat' | 'leaveGroup' | 'commitOffsets' | 'fetchOffsets' | 'describeGroups' | 'listGroups' | 'deleteGroups'
>;

export type BrokerServices = ServerServices<BrokerApi>;
