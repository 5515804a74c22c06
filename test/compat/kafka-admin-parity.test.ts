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

// javac: the AdminClient probe runs from source (java's source launcher needs the JDK's compiler).
const available = commandWorks('javac', ['-version']) && commandWorks('java', ['-version']) && libsAvailable();

describeIfPeer('Java 17 (javac) + Apache Kafka jars (node scripts/kafka/fetch.js)', available, "Kafka 4.x admin tools against bindery broker", () => {
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

  /** ConfigCommand --describe --all as name → 'value | synonyms'. */
  const describeAll = async (entity: string[]) => {
    const res = await java('kafka.admin.ConfigCommand', ['--bootstrap-server', broker.bootstrap, ...entity, '--describe', '--all']);
    expect(res.code).toBe(0);
    const configs = new Map<string, string>();
    for (const m of res.stdout.matchAll(/^\s+(\S+?)=(.*) sensitive=(?:true|false) synonyms=\{(.*)\}$/gm)) configs.set(m[1], `${m[2]} | ${m[3]}`);
    return configs;
  };
  const alter = (entity: string[], configs: string) =>
    java('kafka.admin.ConfigCommand', ['--bootstrap-server', broker.bootstrap, ...entity, '--alter', '--add-config', configs]);

  it('ConfigCommand: Kafka 4.x topic configs are accepted and reported with their sources and synonyms', async () => {
    const topic = ['--entity-type', 'topics', '--entity-name', 'configs-topic'];
    const created = await java('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', broker.bootstrap, '--create', '--topic', 'configs-topic', '--config', 'compression.zstd.level=-5']);
    expect(created.stdout).toContain('Created topic configs-topic.');
    const altered = await alter(topic, [
      'compression.gzip.level=9', 'compression.lz4.level=12', 'local.retention.bytes=1000', 'local.retention.ms=60000',
      'remote.storage.enable=false', 'remote.log.copy.disable=true', 'remote.log.delete.on.disable=true',
    ].join(','));
    expect(altered.stdout).toContain("Completed updating config for topic configs-topic.");

    const configs = await describeAll(topic);
    expect(configs.get('compression.gzip.level')).toBe('9 | DYNAMIC_TOPIC_CONFIG:compression.gzip.level=9, DEFAULT_CONFIG:compression.gzip.level=-1');
    expect(configs.get('compression.zstd.level')).toBe('-5 | DYNAMIC_TOPIC_CONFIG:compression.zstd.level=-5, DEFAULT_CONFIG:compression.zstd.level=3');
    expect(configs.get('compression.lz4.level')).toBe('12 | DYNAMIC_TOPIC_CONFIG:compression.lz4.level=12, DEFAULT_CONFIG:compression.lz4.level=9');
    expect(configs.get('local.retention.bytes')).toBe('1000 | DYNAMIC_TOPIC_CONFIG:local.retention.bytes=1000, DEFAULT_CONFIG:log.local.retention.bytes=-2');
    expect(configs.get('local.retention.ms')).toBe('60000 | DYNAMIC_TOPIC_CONFIG:local.retention.ms=60000, DEFAULT_CONFIG:log.local.retention.ms=-2');
    expect(configs.get('remote.storage.enable')).toBe('false | DYNAMIC_TOPIC_CONFIG:remote.storage.enable=false');
    expect(configs.get('remote.log.copy.disable')).toBe('true | DYNAMIC_TOPIC_CONFIG:remote.log.copy.disable=true');
    expect(configs.get('remote.log.delete.on.disable')).toBe('true | DYNAMIC_TOPIC_CONFIG:remote.log.delete.on.disable=true');
    expect(configs.get('cleanup.policy')).toBe('delete | DEFAULT_CONFIG:log.cleanup.policy=delete');
    expect(configs.get('max.message.bytes')).toBe('1048588 | DEFAULT_CONFIG:message.max.bytes=1048588');
    // log.retention.ms has no default of its own in Kafka (log.retention.hours does): no synonym
    expect(configs.get('retention.ms')).toBe('604800000 | ');
    expect(configs.has('message.downconversion.enable')).toBe(false);
    expect(configs.has('message.timestamp.difference.max.ms')).toBe(false);

    const tiered = await alter(topic, 'remote.storage.enable=true');
    expect(tiered.code).not.toBe(0);
    expect(tiered.stdout + tiered.stderr).toContain('Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.');
  });

  it('ConfigCommand: dynamic broker configs change topic defaults; static ones are refused as Kafka refuses them', async () => {
    await java('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', broker.bootstrap, '--create', '--topic', 'broker-defaults']);
    const perBroker = await alter(['--entity-type', 'brokers', '--entity-name', '0'], 'log.retention.ms=3600000');
    expect(perBroker.stdout).toContain('Completed updating config for broker 0.');
    const clusterWide = await alter(['--entity-type', 'brokers', '--entity-default'], 'log.retention.bytes=1000000000');
    expect(clusterWide.stdout).toContain('Completed updating default config for brokers in the cluster.');
    const fixed = await alter(['--entity-type', 'brokers', '--entity-name', '0'], 'log.retention.check.interval.ms=1000');
    expect(fixed.code).not.toBe(0);
    expect(fixed.stdout + fixed.stderr).toContain('Cannot update these configs dynamically: Set(log.retention.check.interval.ms)');

    const configs = await describeAll(['--entity-type', 'topics', '--entity-name', 'broker-defaults']);
    expect(configs.get('retention.ms')).toBe('3600000 | DYNAMIC_BROKER_CONFIG:log.retention.ms=3600000');
    expect(configs.get('retention.bytes')).toBe('1000000000 | DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.bytes=1000000000, DEFAULT_CONFIG:log.retention.bytes=-1');
    await alter(['--entity-type', 'brokers', '--entity-default'], 'log.retention.bytes=-1');
  });

  it('ConfigCommand: group configs (resource type 32) are served', async () => {
    const group = ['--entity-type', 'groups', '--entity-name', 'configs-group'];
    const altered = await alter(group, 'consumer.session.timeout.ms=50000,consumer.heartbeat.interval.ms=6000');
    expect(altered.stdout).toContain('Completed updating config for group configs-group.');
    const configs = await describeAll(group);
    expect(configs.get('consumer.session.timeout.ms')).toBe('50000 | DYNAMIC_GROUP_CONFIG:consumer.session.timeout.ms=50000');
    expect(configs.get('consumer.heartbeat.interval.ms')).toBe('6000 | DYNAMIC_GROUP_CONFIG:consumer.heartbeat.interval.ms=6000');
    expect(configs.get('share.isolation.level')).toBe('read_uncommitted | ');
    expect(configs.get('streams.num.standby.replicas')).toBe('0 | ');
    const tooShort = await alter(group, 'consumer.session.timeout.ms=1000');
    expect(tooShort.code).not.toBe(0);
    expect(tooShort.stdout + tooShort.stderr).toContain('consumer.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms');
  });

  it("the broker's re-compression uses the topic's compression.gzip.level", async () => {
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    const topics = [1, 9].map((level) => ({ topic: `gzip-level-${level}`, numPartitions: 1, configEntries: [{ name: 'compression.type', value: 'gzip' }, { name: 'compression.gzip.level', value: String(level) }] }));
    await admin.createTopics({ topics });
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: `order-${i % 17}`, value: JSON.stringify({ id: i, customer: `c-${(i * 7919) % 1000}`, items: Array.from({ length: 1 + (i % 5) }, (_, j) => ({ sku: `sku-${(i + j) % 97}`, qty: 1 + ((i * j) % 4) })) }) }));
    for (const { topic } of topics) await producer.send({ topic, messages });
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    const described = await java('org.apache.kafka.tools.LogDirsCommand', ['--bootstrap-server', broker.bootstrap, '--describe', '--topic-list', 'gzip-level-1,gzip-level-9']);
    const json = JSON.parse(described.stdout.trim().split('\n').pop() ?? '') as { brokers: { logDirs: { partitions: { partition: string; size: number }[] }[] }[] };
    const size = Object.fromEntries(json.brokers[0].logDirs[0].partitions.map((p) => [p.partition, p.size]));
    expect(size['gzip-level-1-0']).toBe(logBytes('gzip-level-1-0'));
    expect(size['gzip-level-9-0']).toBeLessThan(size['gzip-level-1-0']);
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
