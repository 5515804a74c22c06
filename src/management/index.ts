export { ManagementServer, startManagementServer } from './ManagementServer';
export { managementHandler, BINDING_STATES, type BindingStateChange, type ManagementHandler, type ManagementRoutesOptions } from './routes';
export { ManagementPortInUseError } from './errors';
export { startMetricsServer, type MetricsServer } from './metricsServer';
