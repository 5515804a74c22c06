import { Kafka, logLevel } from 'kafkajs';
import { commandWorks, describeIfPeer } from '../support/peers';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { background, killAll, run, waitFor } from '../support/processes';

const kcatAvailable = commandWorks('kcat', ['-V']);

describeIfPeer('kcat', kcatAvailable, 'kcat (librdkafka) against bindery broker', () => {
  let broker: TestBroker;
  jest.setTimeout(180000);
  beforeAll(async () => (broker = await startTestBroker({ args: ['--partitions', '1'] })));
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });

  it('lists brokers and topics with -L', async () => {
    await run('kcat', ['-b', broker.bootstrap, '-P', '-t', 'meta-topic'], { input: 'one\n' });
    const { code, stdout } = await run('kcat', ['-b', broker.bootstrap, '-L', '-J']);
    expect(code).toBe(0);
    const meta = JSON.parse(stdout) as { brokers: { id: number; name: string }[]; topics: { topic: string; partitions: unknown[] }[] };
    expect(meta.brokers).toEqual([{ id: 0, name: broker.bootstrap }]);
    expect(meta.topics.find((t) => t.topic === 'meta-topic')?.partitions).toHaveLength(1);
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('produces and consumes with %s compression', async (codec) => {
    const topic = `kcat-${codec}`;
    const lines = Array.from({ length: 100 }, (_, i) => `k${i % 7}:${codec} line ${i}`);
    const produced = await run('kcat', ['-b', broker.bootstrap, '-P', '-t', topic, '-z', codec, '-K:'], { input: lines.join('\n') + '\n' });
    expect(produced.code).toBe(0);
    const consumed = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k:%s\\n']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(lines);
  });

  it('balances a consumer group (-G) across two members', async () => {
    const topic = 'kcat-balanced';
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 4 }] });
      const members = [1, 2].map(() => background('kcat', ['-b', broker.bootstrap, '-G', 'kcat-group', '-q', '-u', '-o', 'beginning', '-f', '%p:%s\\n', topic]));
      await waitFor('two kcat members with partitions', async () => {
        const { groups } = await admin.describeGroups(['kcat-group']);
        return groups[0]?.state === 'Stable' && groups[0].members.length === 2 && groups[0].members.every((m) => m.memberAssignment.length > 8);
      });
      const values = Array.from({ length: 80 }, (_, i) => `v${i}`);
      await run('kcat', ['-b', broker.bootstrap, '-P', '-t', topic, '-K:'], { input: values.map((v, i) => `key${i}:${v}`).join('\n') + '\n' });
      await waitFor('80 messages across the members', () => members.reduce((n, m) => n + m.lines.filter(Boolean).length, 0) >= 80);
      const received = members.flatMap((m) => m.lines.filter(Boolean).map((l) => l.split(':')[1]));
      expect(received.sort()).toEqual([...values].sort());
      // Each member read only the partitions it was assigned, and both got some.
      const partitionsOf = members.map((m) => new Set(m.lines.filter(Boolean).map((l) => l.split(':')[0])));
      expect(partitionsOf.every((s) => s.size > 0)).toBe(true);
      expect([...partitionsOf[0]].some((p) => partitionsOf[1].has(p))).toBe(false);
      for (const m of members) await m.stop();
    } finally {
      await admin.disconnect();
    }
  });
});
