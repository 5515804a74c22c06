/** The test binder's settings as config validates them. */
import { setting, type ObjectSchema } from '../settings';

export const TEST_BINDER_SETTINGS: ObjectSchema = setting.object({
  defaultPartitions: setting.integer(1),
});
