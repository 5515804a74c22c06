import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { addOffsetsToTxnHandler } from './AddOffsetsToTxn';
import { addPartitionsToTxnHandler } from './AddPartitionsToTxn';
import { alterConfigsHandler } from './AlterConfigs';
import { apiVersionsHandler } from './ApiVersions';
import { createPartitionsHandler } from './CreatePartitions';
import { createTopicsHandler } from './CreateTopics';
import { deleteGroupsHandler } from './DeleteGroups';
import { deleteRecordsHandler } from './DeleteRecords';
import { deleteTopicsHandler } from './DeleteTopics';
import { describeClusterHandler } from './DescribeCluster';
import { describeConfigsHandler } from './DescribeConfigs';
import { describeGroupsHandler } from './DescribeGroups';
import { describeLogDirsHandler } from './DescribeLogDirs';
import { describeProducersHandler } from './DescribeProducers';
import { describeTransactionsHandler } from './DescribeTransactions';
import { endTxnHandler } from './EndTxn';
import { fetchHandler } from './Fetch';
import { findCoordinatorHandler } from './FindCoordinator';
import { heartbeatHandler } from './Heartbeat';
import { incrementalAlterConfigsHandler } from './IncrementalAlterConfigs';
import { initProducerIdHandler } from './InitProducerId';
import { joinGroupHandler } from './JoinGroup';
import { leaveGroupHandler } from './LeaveGroup';
import { listGroupsHandler } from './ListGroups';
import { listOffsetsHandler } from './ListOffsets';
import { listTransactionsHandler } from './ListTransactions';
import { metadataHandler } from './Metadata';
import { offsetCommitHandler } from './OffsetCommit';
import { offsetDeleteHandler } from './OffsetDelete';
import { offsetFetchHandler } from './OffsetFetch';
import { offsetForLeaderEpochHandler } from './OffsetForLeaderEpoch';
import { produceHandler } from './Produce';
import { saslAuthenticateHandler } from './SaslAuthenticate';
import { saslHandshakeHandler } from './SaslHandshake';
import { syncGroupHandler } from './SyncGroup';
import { txnOffsetCommitHandler } from './TxnOffsetCommit';

/**
 * Every API the broker serves. APIs absent here (ACLs, WriteTxnMarkers between brokers, quotas, the KIP-848 consumer
 * protocol, client telemetry) are not advertised, so clients do not call them.
 */
export const brokerHandlers: readonly ApiHandler<BrokerServices>[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  saslHandshakeHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  initProducerIdHandler,
  offsetForLeaderEpochHandler,
  addPartitionsToTxnHandler,
  addOffsetsToTxnHandler,
  endTxnHandler,
  txnOffsetCommitHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  saslAuthenticateHandler,
  createPartitionsHandler,
  deleteGroupsHandler,
  incrementalAlterConfigsHandler,
  describeLogDirsHandler,
  offsetDeleteHandler,
  describeClusterHandler,
  describeProducersHandler,
  listTransactionsHandler,
  describeTransactionsHandler,
] as ApiHandler<BrokerServices>[];
