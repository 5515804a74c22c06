/**
 * Consumer control for users (app.seek, explicit assignment, ConsumerSeekAware, idle events,
 * per-partition holds of retry topics) on the native binder, the test binder, and the kafka
 * binder against an in-process bindery broker.
 */
import { NativeBinder } from '../../../src/binder/native';
import { TestBinder } from '../../../src/binder/test';
import { TestBroker } from '../../../src/binder/test/TestBroker';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { startTestBroker, type TestBroker as BinderyBroker } from '../../support/broker-server';
import { consumerControlSuite, kafkaGroups } from './consumerControlSuite';

consumerControlSuite({ name: 'native binder', binder: async () => new NativeBinder() });

const testBroker = new TestBroker();
consumerControlSuite({ name: 'test binder', binder: async () => new TestBinder({ broker: testBroker }) });

describe('kafka binder on bindery broker', () => {
  let broker: BinderyBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ inProcess: true });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  consumerControlSuite({
    name: 'kafka binder on bindery broker',
    binder: async () => createKafkaBinder({ brokers: [broker.bootstrap], logLevel: 'nothing' }),
    groups: kafkaGroups,
  });
});
