/** The transactions crash test on the native binder: the child reopens a data directory every cycle, so the broker dies with the copier. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeBinder } from '../../../src/binder/native';
import { transactionalCrashScenario } from './crashScenario';

describe('transactions crash test (native binder)', () => {
  transactionalCrashScenario({
    design: 'native binder in the child on a data directory reopened every cycle',
    prepare: () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-txn-crash-'));
      return { binder: 'native', binders: { native: { dataDir } }, cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
    },
    readerBinder: (binders) => new NativeBinder(binders.native as { dataDir: string }),
  });
});
