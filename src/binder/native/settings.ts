/** The native binder's settings as config validates them: the schema of their declarations (config.ts). */
import { setting, type ObjectSchema } from '../settings';
import { NATIVE_BINDER_CONFIG_DEFS } from './config';

export const NATIVE_BINDER_SETTINGS: ObjectSchema = setting.fromDefs(NATIVE_BINDER_CONFIG_DEFS);
