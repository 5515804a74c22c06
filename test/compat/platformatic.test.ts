import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { killAll, run } from '../support/processes';

interface ClientReport {
  partitions: number;
  received: { key: string; value: string; n: string }[];
  /** Committed offset per partition, by topic. */
  committed: Record<string, string[]>;
  groups: string[];
}

// @platformatic/kafka is ESM-only: it runs in a child node process (test/compat/peers/platformatic-client.mjs).
describe('@platformatic/kafka against bindery broker', () => {
  let broker: TestBroker;
  jest.setTimeout(120000);
  beforeAll(async () => (broker = await startTestBroker()));
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });

  it('creates a topic, produces idempotently, consumes in a group and commits', async () => {
    const script = join(__dirname, 'peers', 'platformatic-client.mjs');
    const { code, stdout, stderr } = await run(process.execPath, [script, broker.bootstrap, 'plt-topic', 'plt-group', '40'], { timeoutMs: 90000 });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(stdout) as ClientReport;
    expect(report.partitions).toBe(2);
    expect(report.received.map((m) => `${m.key}=${m.value}#${m.n}`).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `key-${i}=value-${i}#${i}`).sort(),
    );
    const committed = report.committed['plt-topic'].reduce((sum, offset) => sum + Number(offset), 0);
    expect(committed).toBe(40);
    expect(report.groups).toContain('plt-group');
  });
});
