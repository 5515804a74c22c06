/** The test binder passes the same contract suite as the native and kafka binders. */
import { TestBinder, TestBroker } from '../../../../src/binder/test';
import { binderContractSuite } from '../../../integration/binder-contract/binderContractSuite';

// Binders of one suite share a broker, as processes share a cluster.
const broker = new TestBroker();
binderContractSuite('test (in memory)', async () => new TestBinder({ broker }));
