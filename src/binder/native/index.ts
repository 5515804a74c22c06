/**
 * The native binder: registers itself under 'native' (the default binder) when loaded.
 * Config `binders.native`: dataDir, broker, shared, defaultPartitions, assignor, … (see config.ts).
 */
import { registerBinder } from '../registry';
import type { Logger } from '../../logging';
import { NativeBinder } from './NativeBinder';
import type { NativeBinderConfig } from './config';

export { NativeBinder } from './NativeBinder';
export { resolveNativeBinderConfig, type NativeBinderConfig, type ResolvedNativeBinderConfig } from './config';
export { NativeBrokerError, NativeBinderClosedError, NativeBinderConfigError } from './errors';
export { SharedDataDirProtocolError, SharedDataDirTimeoutError, SharedDataDirClientError } from './sharedDataDir/errors';

/** `logger` receives the binder's consumer failures and its broker's warnings (default: stderr at BINDERY_LOG_LEVEL). */
export function createNativeBinder(config: NativeBinderConfig = {}, logger?: Logger): NativeBinder {
  return new NativeBinder(config, logger);
}

registerBinder('native', ({ properties, logger }) => {
  const binder = createNativeBinder(properties as NativeBinderConfig, logger);
  // Two processes on the default binder do not see each other's messages, and nothing else says so.
  if (binder.config.dataDir === undefined && binder.config.broker === undefined) {
    logger?.info(
      "The native binder keeps its topics in memory, in this process only: other processes do not see them. Processes on this machine share topics when each names the same binders.native.dataDir (the first to open it serves it to the others); across machines, run `bindery broker --data-dir ./data` and use the kafka binder (binder: 'kafka', binders.kafka.brokers).",
    );
  }
  return binder;
});
