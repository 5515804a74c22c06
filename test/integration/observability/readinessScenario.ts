/**
 * Readiness follows the binder's broker: 503 while the broker is away, 200 once it is back. Run
 * with bindery's broker closed and reopened on its port by readiness.test.ts, and with Apache
 * Kafka stopped and restarted by test/kafka/readiness.kafka.test.ts.
 */
import { Bindery, Payload, StreamListener, EnableBinding, Sink, silentLogger } from '../../../src';
import { request } from '../../support/prometheus';

@EnableBinding(Sink)
class Inbox {
  readonly received: string[] = [];
  @StreamListener(Sink.INPUT)
  on(@Payload() message: { id: string }): void {
    this.received.push(message.id);
  }
}

export interface BrokerControl {
  brokers(): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** GETs /health/readiness until it answers `status`; fails after `timeoutMs`. */
async function readinessBecomes(port: number, status: number, timeoutMs: number): Promise<{ status: string; components: Record<string, { status: string; details?: Record<string, unknown> }> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(port, 'GET', '/health/readiness');
    if (res.status === status) return JSON.parse(res.body);
    if (Date.now() > deadline) throw new Error(`readiness did not answer ${status} within ${timeoutMs} ms; last: ${res.status} ${res.body}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function readinessScenario(broker: () => BrokerControl, timeoutMs = 30000): void {
  it('is 503 with the binder DOWN while the broker is away, and 200 when it is back', async () => {
    const topic = `inbox-${Date.now()}`;
    const app = await Bindery.create({
      services: [Inbox],
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
      config: {
        binder: 'kafka',
        binders: { kafka: { brokers: broker().brokers(), logLevel: 'nothing' } },
        management: { port: 0 },
        bindings: { input: { destination: topic, group: `inbox-${Date.now()}` } },
      },
    });
    try {
      await app.start();
      const port = app.managementAddress!.port;
      const up = await readinessBecomes(port, 200, timeoutMs);
      expect(up.components.binder).toMatchObject({ status: 'UP', details: { binder: 'kafka' } });

      await broker().stop();
      const down = await readinessBecomes(port, 503, timeoutMs);
      expect(down.components.binder.status).toBe('DOWN');
      expect(down.components.application.status).toBe('UP');

      await broker().restart();
      const back = await readinessBecomes(port, 200, timeoutMs);
      expect(back.components.binder.status).toBe('UP');
      // Ready again means usable again: a record sent now reaches the listener.
      await app.send(topic, { id: 'after' });
      const deadline = Date.now() + timeoutMs;
      while (!app.get(Inbox).received.includes('after')) {
        if (Date.now() > deadline) throw new Error(`the listener got nothing within ${timeoutMs} ms of the broker's return`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await app.close();
    }
  }, timeoutMs * 4);
}
