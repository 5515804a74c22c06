/**
 * The error-handling suite on the native binder (its in-memory broker), the test binder, and the
 * kafka binder (kafkajs over the wire) against an in-process bindery broker.
 */
import { NativeBinder } from '../../../src/binder/native';
import { TestBinder } from '../../../src/binder/test';
import { TestBroker } from '../../../src/binder/test/TestBroker';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { startTestBroker, type TestBroker as BinderyBroker } from '../../support/broker-server';
import { errorHandlingSuite } from './errorHandlingSuite';

errorHandlingSuite({ name: 'native binder', binder: async () => new NativeBinder() });

const testBroker = new TestBroker();
errorHandlingSuite({ name: 'test binder', binder: async () => new TestBinder({ broker: testBroker }) });

describe('kafka binder on bindery broker', () => {
  // `bindery broker` in this process, in memory.
  let broker: BinderyBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ inProcess: true });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  errorHandlingSuite({ name: 'kafka binder on bindery broker', binder: async () => createKafkaBinder({ brokers: [broker.bootstrap], logLevel: 'nothing' }) });
});
