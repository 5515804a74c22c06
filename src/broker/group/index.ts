export { GroupCoordinator, CoordinatorLifecycleError, type GroupCoordinatorOptions } from './GroupCoordinator';
export { DEFAULT_GROUP_COORDINATOR_CONFIG, GROUP_COORDINATOR_CONFIG_DEFS, type GroupCoordinatorConfig } from './config';
export { SystemClock, ManualClock, type CoordinatorClock, type TimerHandle } from './CoordinatorClock';
export { GroupState } from './GroupState';
export { MemoryOffsetsPartitionStore, type OffsetsPartitionStore, type CoordinatorRecord } from './offsetsTopic/OffsetsPartitionStore';
export type { LoadSummary } from './offsetsTopic/loadCoordinatorState';
export * from './types';
