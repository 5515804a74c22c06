/**
 * The delivery suite on the native binder (the shared in-memory broker). The crash test's child
 * runs the native binder on a data directory it reopens after every SIGKILL: the broker dies with
 * the consumer, and what it wrote must survive.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeBinder } from '../../../src/binder/native';
import { deliverySuite } from './deliverySuite';

deliverySuite({
  name: 'native binder',
  binder: async () => new NativeBinder(),
  crash: {
    design: 'native binder in the child on a data directory reopened every cycle',
    prepare: async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-delivery-crash-'));
      return {
        binder: 'native',
        binders: { native: { dataDir } },
        cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
});
