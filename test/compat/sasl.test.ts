import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { commandWorks } from '../support/peers';
import { killAll, run } from '../support/processes';

describe('bindery broker with SASL/PLAIN', () => {
  let broker: TestBroker;
  jest.setTimeout(120000);
  beforeAll(async () => (broker = await startTestBroker({ args: ['--sasl-plain-user', 'alice:s3cret'] })));
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });
  const client = (password: string) =>
    new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: 'alice', password } });

  it('accepts the configured user', async () => {
    const producer = client('s3cret').producer();
    await producer.connect();
    const [result] = await producer.send({ topic: 'sasl-topic', messages: [{ value: 'authenticated' }] });
    expect(result.errorCode).toBe(0);
    await producer.disconnect();
  });

  it('rejects a wrong password', async () => {
    const admin = client('wrong').admin();
    await expect(admin.connect()).rejects.toThrow(/SASL PLAIN authentication failed|Authentication failed/i);
  });

  it('closes a connection that sends requests before authenticating', async () => {
    const socket = connect(broker.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // Metadata v0 request for every topic: header (key 3, version 0, correlation 1, client id "x"), empty topic array.
    const frame = Buffer.from([0, 0, 0, 15, 0, 3, 0, 0, 0, 0, 0, 1, 0, 1, 0x78, 0, 0, 0, 0]);
    let answered = false;
    socket.on('data', () => (answered = true));
    socket.write(frame);
    await new Promise((r) => socket.once('close', r));
    expect(answered).toBe(false);
  });

  (commandWorks('kcat', ['-V']) ? it : it.skip)('lets kcat authenticate with PLAIN', async () => {
    const sasl = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', 'sasl.password=s3cret'];
    expect((await run('kcat', ['-b', broker.bootstrap, ...sasl, '-P', '-t', 'sasl-kcat'], { input: 'hello\n' })).code).toBe(0);
    const consumed = await run('kcat', ['-b', broker.bootstrap, ...sasl, '-C', '-t', 'sasl-kcat', '-o', 'beginning', '-e', '-q']);
    expect(consumed.stdout).toBe('hello\n');
  });
});
