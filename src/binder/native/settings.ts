/** The native binder's settings as config validates them (NativeBinderConfig in config.ts says what each means). */
import { setting, type ObjectSchema } from '../settings';

export const NATIVE_BINDER_SETTINGS: ObjectSchema = setting.object({
  dataDir: setting.string,
  broker: setting.freeObject,
  shared: setting.boolean,
  defaultPartitions: setting.integer(1),
  assignor: setting.enumOf(['range', 'roundrobin', 'sticky']),
  groupInitialRebalanceDelayMs: setting.integer(0),
  fetchMaxWaitMs: setting.integer(1),
  fetchMaxBytesPerPartition: setting.integer(1024),
  inProcessHeartbeatMs: setting.integer(1),
  topicPatternRefreshMs: setting.integer(1),
  brokerConfig: setting.freeObject,
});
