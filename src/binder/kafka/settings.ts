/**
 * The kafka binder's settings as config validates them: the schema of their declarations
 * (config.ts). Apart from the binder so that validating config does not load kafkajs.
 */
import { setting, type ObjectSchema } from '../settings';
import { KAFKA_BINDER_CONFIG_DEFS } from './config';

export const KAFKA_BINDER_SETTINGS: ObjectSchema = setting.fromDefs(KAFKA_BINDER_CONFIG_DEFS);
