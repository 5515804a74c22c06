import { classpath, libsAvailable } from '../../scripts/kafka/paths';
import { commandWorks, describeIfPeer } from '../support/peers';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { killAll, run } from '../support/processes';

const available = commandWorks('java', ['-version']) && libsAvailable();

describeIfPeer('Apache Kafka 4.x Java tools (java + node scripts/kafka/fetch.js)', available, "Apache Kafka's Java tools against bindery broker", () => {
  let broker: TestBroker;
  let cp = '';
  jest.setTimeout(240000);
  const java = (mainClass: string, args: string[], input?: string) =>
    run('java', ['-Xmx256m', '-cp', cp, mainClass, ...args], { input, timeoutMs: 180000 });

  beforeAll(async () => {
    cp = classpath();
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });

  it('creates, lists and describes topics with TopicCommand', async () => {
    const created = await java('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', broker.bootstrap, '--create', '--topic', 'java-topic', '--partitions', '3', '--config', 'retention.ms=3600000']);
    expect(created.stdout).toContain('Created topic java-topic.');
    const listed = await java('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', broker.bootstrap, '--list']);
    expect(listed.stdout.split('\n')).toContain('java-topic');
    const described = await java('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', broker.bootstrap, '--describe', '--topic', 'java-topic']);
    expect(described.stdout).toMatch(/PartitionCount: 3/);
    expect(described.stdout).toContain('retention.ms=3600000');
    expect(described.stdout.match(/Partition: \d+\s+Leader: 0/g)).toHaveLength(3);
  });

  it('round-trips lines through the console producer and consumer, and reports the group lag', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `java line ${i}`);
    const produced = await java('org.apache.kafka.tools.ConsoleProducer', ['--bootstrap-server', broker.bootstrap, '--topic', 'console-topic'], lines.join('\n') + '\n');
    expect(produced.code).toBe(0);
    const consumed = await java('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server', broker.bootstrap, '--topic', 'console-topic', '--from-beginning', '--max-messages', '15', '--group', 'console-group',
    ]);
    expect(consumed.stdout.trim().split('\n')).toEqual(lines.slice(0, 15));
    const described = await java('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', ['--bootstrap-server', broker.bootstrap, '--describe', '--group', 'console-group']);
    const row = described.stdout.split('\n').find((l) => l.startsWith('console-group'));
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...
    expect(row?.split(/\s+/).slice(1, 6)).toEqual(['console-topic', '0', '15', '20', '5']);
    const deleted = await java('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', ['--bootstrap-server', broker.bootstrap, '--delete-offsets', '--group', 'console-group', '--topic', 'console-topic']);
    expect(deleted.stdout).toMatch(/console-topic\s+0\s+Successful/);
  });

  it('completes ProducerPerformance and ConsumerPerformance runs', async () => {
    const produced = await java('org.apache.kafka.tools.ProducerPerformance', [
      '--topic', 'perf-topic', '--num-records', '20000', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${broker.bootstrap}`, 'compression.type=lz4',
    ]);
    expect(produced.stdout).toMatch(/^20000 records sent/m);
    const consumed = await java('org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', broker.bootstrap, '--topic', 'perf-topic', '--messages', '20000', '--timeout', '120000']);
    const [, data] = consumed.stdout.trim().split('\n').slice(-2);
    // ..., data.consumed.in.nMsg is the fifth column
    expect(Number(data.split(',')[4].trim())).toBe(20000);
  });
});
