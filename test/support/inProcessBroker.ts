/**
 * A `bindery broker` inside the test process for one describe block: started before its tests,
 * stopped after them. `port` is its listening port once started.
 */
import { startTestBroker, type TestBroker } from './broker-server';

export function useInProcessBroker(): { readonly port: number } {
  let broker: TestBroker | undefined;
  beforeAll(async () => {
    broker = await startTestBroker({ inProcess: true });
  });
  afterAll(async () => {
    await broker?.stop();
  });
  return {
    get port(): number {
      if (!broker) throw new Error('the in-process broker is not started yet (use it inside a test or beforeAll)');
      return broker.port;
    },
  };
}
