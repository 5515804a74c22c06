/** Tracing on the native binder and on the kafka binder against bindery's broker (scenarios in tracingScenarios.ts). */
import type { BinderyConfig } from '../../../src';
import { tracingScenarios } from './tracingScenarios';
import { useInProcessBroker } from '../../support/inProcessBroker';

describe('tracing on the native binder', () => tracingScenarios(() => ({ binder: 'native', binders: { native: { shared: false } } })));

describe('tracing on the kafka binder against bindery broker', () => {
  const server = useInProcessBroker();

  tracingScenarios((): BinderyConfig => ({ binder: 'kafka', binders: { kafka: { brokers: `127.0.0.1:${server.port}`, logLevel: 'nothing' } } }));
});
