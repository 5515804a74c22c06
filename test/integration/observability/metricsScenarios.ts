/**
 * Framework metrics scraped over HTTP from a running application: the counters say what
 * happened to the records. Run on the test and native binders by metrics.test.ts and on the
 * kafka binder against Apache Kafka by test/kafka/observability.kafka.test.ts.
 */
import { Bindery, EnableBinding, Payload, Sink, StreamListener, silentLogger, type BinderyConfig } from '../../../src';
import { RecordingClock } from '../framework/support';
import { scrape, valueOf, type Sample } from '../../support/prometheus';

interface Order {
  id: string;
  fail?: boolean;
}

@EnableBinding(Sink)
class Payments {
  readonly attempts: string[] = [];
  @StreamListener(Sink.INPUT)
  charge(@Payload() order: Order): void {
    this.attempts.push(order.id);
    if (order.fail) throw new Error(`card declined for ${order.id}`);
  }
}

/** Scrapes until `done(samples)` holds; fails after `timeoutMs`. */
async function scrapeUntil(port: number, done: (s: Sample[]) => boolean, timeoutMs = 20000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await scrape(port);
    if (done(samples)) return samples;
    if (Date.now() > deadline) throw new Error(`metrics did not reach the expected values within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The scenarios on one binder; each test uses topics and a group of its own (a real cluster keeps them). */
export function metricsScenarios(binderConfig: () => BinderyConfig): void {
  let topic = '';
  let labels = { binding: 'input', destination: '', group: '' };
  let app: Bindery | undefined;
  let run = 0;

  beforeEach(() => {
    run++;
    topic = `orders-${Date.now()}-${run}`;
    labels = { binding: 'input', destination: topic, group: `payments-${run}` };
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(consumer: NonNullable<NonNullable<BinderyConfig['bindings']>[string]['consumer']>): Promise<number> {
    app = await Bindery.create({
      services: [Payments],
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
      clock: new RecordingClock(),
      config: {
        ...binderConfig(),
        management: { port: 0 },
        bindings: { input: { destination: topic, group: labels.group, consumer } },
      },
    });
    await app.start();
    return app.managementAddress!.port;
  }

  it('counts a success, two retries and a dead-lettered record, and the lag falls to 0', async () => {
    const port = await start({ maxAttempts: 3, enableDlq: true });
    await app!.send(topic, { id: 'a' });
    await app!.send(topic, { id: 'b', fail: true });

    const samples = await scrapeUntil(
      port,
      (s) =>
        valueOf(s, 'bindery_listener_records_processed_total', { ...labels, outcome: 'dead_lettered' }) === 1 &&
        valueOf(s, 'bindery_listener_records_processed_total', { ...labels, outcome: 'success' }) === 1 &&
        // A record's processing time is observed once its outcome (and its commit) settled, just after the count.
        valueOf(s, 'bindery_listener_processing_seconds_count', labels) === 2 &&
        valueOf(s, 'bindery_listener_lag_records', { ...labels, partition: '0' }) === 0,
    );
    expect(app!.get(Payments).attempts).toEqual(['a', 'b', 'b', 'b']);
    expect(valueOf(samples, 'bindery_listener_records_received_total', { ...labels, partition: '0' })).toBe(2);
    expect(valueOf(samples, 'bindery_listener_records_processed_total', { ...labels, outcome: 'failure' })).toBe(0);
    expect(valueOf(samples, 'bindery_listener_retries_total', labels)).toBe(2);
    expect(valueOf(samples, 'bindery_listener_dead_letter_sends_total', labels)).toBe(1);
    expect(valueOf(samples, 'bindery_listener_processing_seconds_count', labels)).toBe(2);
    const member = { binding: 'input', group: labels.group };
    expect(valueOf(samples, 'bindery_listener_commit_seconds_count', member)).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'bindery_producer_records_sent_total', { destination: topic })).toBe(2);
    expect(valueOf(samples, 'bindery_producer_records_sent_total', { destination: `error.${topic}.${labels.group}` })).toBe(1);
    expect(valueOf(samples, 'bindery_producer_send_seconds_count', { destination: topic })).toBe(2);
    expect(valueOf(samples, 'bindery_listener_assigned_partitions', member)).toBe(1);
    expect(valueOf(samples, 'bindery_listener_rebalances_total', member)).toBeGreaterThanOrEqual(1);
  });

  it('reports lag rising while the binding is paused and falling to 0 once it resumes and catches up', async () => {
    const port = await start({});
    const lag = { ...labels, partition: '0' };
    await app!.send(topic, { id: 'e' });
    await scrapeUntil(port, (s) => valueOf(s, 'bindery_listener_records_processed_total', { ...labels, outcome: 'success' }) === 1 && valueOf(s, 'bindery_listener_lag_records', lag) === 0);
    app!.pause('input');
    for (const id of ['f', 'g', 'h']) await app!.send(topic, { id });
    // Nothing is fetched while paused: the lag comes from the binder's end offsets at the scrape.
    const paused = await scrapeUntil(port, (s) => valueOf(s, 'bindery_listener_lag_records', lag) === 3);
    expect(valueOf(paused, 'bindery_listener_records_received_total', lag)).toBe(1);
    expect(app!.get(Payments).attempts).toEqual(['e']);
    app!.resume('input');
    await scrapeUntil(port, (s) => valueOf(s, 'bindery_listener_records_processed_total', { ...labels, outcome: 'success' }) === 4 && valueOf(s, 'bindery_listener_lag_records', lag) === 0);
    expect(app!.get(Payments).attempts).toEqual(['e', 'f', 'g', 'h']);
  });

  it('counts a record given up without a DLQ as a failure', async () => {
    const port = await start({ maxAttempts: 2 });
    await app!.send(topic, { id: 'c', fail: true });
    const samples = await scrapeUntil(port, (s) => valueOf(s, 'bindery_listener_records_processed_total', { ...labels, outcome: 'failure' }) === 1);
    expect(valueOf(samples, 'bindery_listener_retries_total', labels)).toBe(1);
    expect(valueOf(samples, 'bindery_listener_dead_letter_sends_total', labels)).toBe(0);
  });

  it('counts a duplicate of an idempotent listener as skipped, and times the store', async () => {
    const port = await start({ idempotent: true });
    await app!.send(topic, { id: 'd' }, { headers: { 'message-id': 'order-d' } });
    await app!.send(topic, { id: 'd' }, { headers: { 'message-id': 'order-d' } });
    const samples = await scrapeUntil(port, (s) => valueOf(s, 'bindery_listener_records_processed_total', { ...labels, outcome: 'skipped' }) === 1);
    expect(valueOf(samples, 'bindery_listener_records_processed_total', { ...labels, outcome: 'success' })).toBe(1);
    expect(app!.get(Payments).attempts).toEqual(['d']);
    expect(valueOf(samples, 'bindery_idempotency_store_seconds_count', { binding: 'input', operation: 'claim' })).toBe(2);
    expect(valueOf(samples, 'bindery_idempotency_store_seconds_count', { binding: 'input', operation: 'markDone' })).toBe(1);
  });
}
