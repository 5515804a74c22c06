/** The native binder passes the contract suite: on its shared in-memory broker, and on disk. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeBinder } from '../../../src/binder/native';
import { binderContractSuite } from './binderContractSuite';

binderContractSuite('native (in-memory broker)', async () => new NativeBinder());

describe('on disk', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-native-contract-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  binderContractSuite('native (broker on a data directory)', async () => new NativeBinder({ dataDir }));
});
