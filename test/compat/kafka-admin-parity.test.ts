/**
 * Kafka 4.x admin surface as Kafka's own command-line classes see it: ListOffsets specials
 * (GetOffsetShell), DescribeLogDirs (LogDirsCommand), topic, broker and group configs (ConfigCommand).
 */
import { mkdtempSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  let dataDir = '';
  jest.setTimeout(240000);
  const java = (mainClass: string, args: string[]) => run('java', ['-Xmx256m', '-cp', cp, mainClass, ...args], { timeoutMs: 180000 });

  beforeAll(async () => {
    cp = classpath();
    dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-admin-parity-'));
    broker = await startTestBroker({ dataDir });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  });
  afterAll(async () => {
    await killAll();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const logBytes = (partitionDir: string) =>
    readdirSync(path.join(dataDir, partitionDir)).filter((f) => f.endsWith('.log')).reduce((n, f) => n + statSync(path.join(dataDir, partitionDir, f)).size, 0);

  it('LogDirsCommand and the AdminClient describe the log directory: partition sizes, offset lag, volume space', async () => {
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [{ topic: 'log-dirs', numPartitions: 2 }] });
    await producer.send({ topic: 'log-dirs', messages: Array.from({ length: 40 }, (_, i) => ({ value: `record ${i} `.repeat(10), partition: i % 2 })) });
    await Promise.all([admin.disconnect(), producer.disconnect()]);

    const described = await java('org.apache.kafka.tools.LogDirsCommand', ['--bootstrap-server', broker.bootstrap, '--describe', '--topic-list', 'log-dirs']);
    expect(described.code).toBe(0);
    const json = JSON.parse(described.stdout.trim().split('\n').pop() ?? '') as {
      brokers: { broker: number; logDirs: { logDir: string; error: string | null; partitions: { partition: string; size: number; offsetLag: number; isFuture: boolean }[] }[] }[];
    };
    expect(json.brokers).toHaveLength(1);
    const [dir] = json.brokers[0].logDirs;
    expect([dir.logDir, dir.error]).toEqual([path.resolve(dataDir), null]);
    const partitions = [...dir.partitions].sort((a, b) => a.partition.localeCompare(b.partition));
    expect(partitions).toEqual([
      { partition: 'log-dirs-0', size: logBytes('log-dirs-0'), offsetLag: 0, isFuture: false },
      { partition: 'log-dirs-1', size: logBytes('log-dirs-1'), offsetLag: 0, isFuture: false },
    ]);
    expect(partitions[0].size).toBeGreaterThan(0);

    const probe = await java(path.join(__dirname, 'java', 'LogDirsProbe.java'), [broker.bootstrap, '0']);
    expect(probe.code).toBe(0);
    const dirLine = /^dir (\S+) total=(\d+) usable=(\d+) error=null$/m.exec(probe.stdout);
    expect(dirLine?.[1]).toBe(path.resolve(dataDir));
    const volume = statfsSync(dataDir);
    expect(Number(dirLine?.[2])).toBe(volume.blocks * volume.bsize);
    expect(Number(dirLine?.[3])).toBeGreaterThan(0);
    expect(Number(dirLine?.[3])).toBeLessThanOrEqual(Number(dirLine?.[2]));
    expect(probe.stdout).toContain(`replica log-dirs-1 size=${logBytes('log-dirs-1')} lag=0 future=false`);
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
