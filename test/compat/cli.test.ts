import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cliBuilt, startTestBroker, type TestBroker } from '../support/broker-server';
import { killAll, run } from '../support/processes';

const CLI = join(__dirname, '..', '..', 'bin', 'bindery.js');

describe('bindery CLI against bindery broker', () => {
  let broker: TestBroker;
  jest.setTimeout(120000);
  const bindery = (args: string[], input?: string) => run(process.execPath, [CLI, ...args, '--bootstrap-server', broker.bootstrap], { input, timeoutMs: 60000 });

  beforeAll(async () => {
    if (!cliBuilt()) throw new Error('dist/ is missing: run `npx tsc -p .` (npm test does) first');
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });

  it('creates, lists, describes and deletes topics', async () => {
    const created = await bindery(['topics', 'create', '--topic', 'cli-topic', '--partitions', '3', '--config', 'retention.ms=86400000']);
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic cli-topic.\n' });
    expect((await bindery(['topics', 'create', '--topic', 'cli-topic'])).code).toBe(1);
    expect((await bindery(['topics', 'list'])).stdout.split('\n')).toContain('cli-topic');
    const described = await bindery(['topics', 'describe', '--topic', 'cli-topic']);
    expect(described.stdout).toContain('PartitionCount: 3');
    expect(described.stdout).toContain('retention.ms=86400000');
    expect(described.stdout.match(/Partition: \d/g)).toHaveLength(3);
    expect((await bindery(['topics', 'delete', '--topic', 'cli-topic'])).code).toBe(0);
    expect((await bindery(['topics', 'list'])).stdout.split('\n')).not.toContain('cli-topic');
  });

  it('produces lines from stdin and --message, and consumes them with keys', async () => {
    const fromStdin = await bindery(['produce', '--topic', 'cli-data', '--key-separator', ':', '--compression', 'zstd'], 'k1:first\nk2:second\n');
    expect(fromStdin.code).toBe(0);
    expect((await bindery(['produce', '--topic', 'cli-data', '--key', 'k3', '--message', 'third'])).code).toBe(0);
    const consumed = await bindery(['consume', '--topic', 'cli-data', '--from-beginning', '--max-messages', '3', '--print-key', '--group', 'cli-group']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout).toBe('k1\tfirst\nk2\tsecond\nk3\tthird\n');
    expect(consumed.stderr).toContain('Processed a total of 3 messages');
  });

  it('lists groups and describes their lag', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'lag-topic', messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: 'lag-group', topic: 'lag-topic', partitions: [{ partition: 0, offset: '4' }] });
    await admin.disconnect();
    expect((await bindery(['groups', 'list'])).stdout.split('\n')).toContain('lag-group');
    const described = await bindery(['groups', 'describe', '--group', 'lag-group']);
    expect(described.stdout).toContain('GROUP lag-group state=Empty');
    expect(described.stdout).toContain(['lag-topic', 0, 4, 10, 6, '-'].join('\t'));
  });

  it('answers an unknown command with usage and exit code 2', async () => {
    const res = await run(process.execPath, [CLI, 'frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("unknown command 'frobnicate'");
    expect(res.stderr).toContain('bindery broker');
  });
});
