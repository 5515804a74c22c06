/**
 * Kafka 4.x admin surface as Kafka's own command-line classes see it: ListOffsets specials
 * (GetOffsetShell), DescribeLogDirs (LogDirsCommand), topic, broker and group configs (ConfigCommand).
 */
import { Kafka, logLevel } from 'kafkajs';
import { classpath, libsAvailable } from '../../scripts/kafka/paths';
import { commandWorks, describeIfPeer } from '../support/peers';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { killAll, run } from '../support/processes';

const available = commandWorks('java', ['-version']) && libsAvailable();

describeIfPeer('Apache Kafka 4.x Java tools (java + node scripts/kafka/fetch.js)', available, "Kafka 4.x admin tools against bindery broker", () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let cp = '';
  jest.setTimeout(240000);
  const java = (mainClass: string, args: string[]) => run('java', ['-Xmx256m', '-cp', cp, mainClass, ...args], { timeoutMs: 180000 });

  beforeAll(async () => {
    cp = classpath();
    broker = await startTestBroker();
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  });
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });

  it('GetOffsetShell: max-timestamp is the first offset with the largest timestamp, latest-tiered is -1', async () => {
    const producer = kafka.producer();
    await producer.connect();
    // One batch: the largest timestamp first appears at offset 1 and again at offset 3.
    const at = (t: number) => String(1700000000000 + t);
    await producer.send({ topic: 'offsets-specials', messages: [at(100), at(300), at(200), at(300), at(150)].map((timestamp, i) => ({ value: `v${i}`, timestamp })) });
    await producer.disconnect();
    const offsetFor = async (time: string) => {
      const res = await java('org.apache.kafka.tools.GetOffsetShell', ['--bootstrap-server', broker.bootstrap, '--topic', 'offsets-specials', '--time', time]);
      expect(res.code).toBe(0);
      return res.stdout.trim();
    };
    expect(await offsetFor('-3')).toBe('offsets-specials:0:1');
    expect(await offsetFor('-1')).toBe('offsets-specials:0:5');
    // No tiered storage: the answer is offset -1, for which GetOffsetShell prints no line (as against Kafka).
    expect(await offsetFor('-5')).toBe('');
  });
});
