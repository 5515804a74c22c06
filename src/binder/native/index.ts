/**
 * The native binder: registers itself under 'native' (the default binder) when loaded.
 * Config `binders.native`: dataDir, broker, shared, defaultPartitions, assignor, … (see config.ts).
 */
import { registerBinder } from '../registry';
import { NativeBinder } from './NativeBinder';
import type { NativeBinderConfig } from './config';

export { NativeBinder } from './NativeBinder';
export { resolveNativeBinderConfig, type NativeBinderConfig, type ResolvedNativeBinderConfig } from './config';
export { NativeBrokerError, NativeBinderClosedError, NativeBinderConfigError } from './errors';

export function createNativeBinder(config: NativeBinderConfig = {}): NativeBinder {
  return new NativeBinder(config);
}

registerBinder('native', ({ properties }) => createNativeBinder(properties as NativeBinderConfig));
