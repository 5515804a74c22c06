/** The framework's transactions on the native binder and on the kafka binder against `bindery broker`. */
import { transactionScenarios } from './transactionScenarios';
import { useInProcessBroker } from '../../support/inProcessBroker';

describe('native binder', () => {
  transactionScenarios(() => ({ binder: 'native' }));
});

describe('kafka binder on bindery broker', () => {
  const server = useInProcessBroker();

  transactionScenarios(() => ({ binder: 'kafka', binders: { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } } }));
});
