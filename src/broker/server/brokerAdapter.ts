import type { Broker } from '../Broker';
import type { BrokerApi } from './brokerApi';

/** The wire server's view of an in-process Broker: its own methods plus a topic-id lookup. */
export function brokerApi(broker: Broker): BrokerApi {
  return {
    topicNameById: (id) => broker.topics.byId(id)?.name,
    metadata: (r) => broker.metadata(r),
    produce: (r) => broker.produce(r),
    fetch: (r) => broker.fetch(r),
    listOffsets: (r) => broker.listOffsets(r),
    deleteRecords: (r) => broker.deleteRecords(r),
    createTopics: (r) => broker.createTopics(r),
    deleteTopics: (r) => broker.deleteTopics(r),
    createPartitions: (r) => broker.createPartitions(r),
    describeConfigs: (r) => broker.describeConfigs(r),
    alterConfigs: (r) => broker.alterConfigs(r),
    incrementalAlterConfigs: (r) => broker.incrementalAlterConfigs(r),
    describeLogDirs: (r) => broker.describeLogDirs(r),
    initProducerId: (r) => broker.initProducerId(r),
    joinGroup: (r) => broker.joinGroup(r),
    syncGroup: (r) => broker.syncGroup(r),
    heartbeat: (r) => broker.heartbeat(r),
    leaveGroup: (r) => broker.leaveGroup(r),
    commitOffsets: (r) => broker.commitOffsets(r),
    fetchOffsets: (r) => broker.fetchOffsets(r),
    describeGroups: (ids) => broker.describeGroups(ids),
    listGroups: (states) => broker.listGroups(states),
    deleteGroups: (ids) => broker.deleteGroups(ids),
    deleteOffsets: (r) => broker.groups.deleteOffsets(r),
    partition: (topic, index) => broker.partition(topic, index),
    transactions: broker.transactions,
  };
}
