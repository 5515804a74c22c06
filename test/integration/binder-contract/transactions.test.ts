/** The transactional producers of the native binder (in process) and of the kafka binder (kafkajs against `bindery broker`). */
import { createKafkaBinder } from '../../../src/binder/kafka';
import { NativeBinder } from '../../../src/binder/native';
import { transactionsSuite } from './transactionsSuite';
import { useInProcessBroker } from '../../support/inProcessBroker';

transactionsSuite('native', async () => new NativeBinder());

describe('kafka binder on bindery broker', () => {
  const server = useInProcessBroker();

  transactionsSuite('kafka', async () => createKafkaBinder({ brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' }));
});
