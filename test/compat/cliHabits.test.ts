/**
 * What users type out of habit: --help on every command, negative numbers as option values, a
 * describe of a topic that is not there, a consume bounded by --timeout-ms, headers printed.
 */
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cliBuilt, startTestBroker, type TestBroker } from '../support/broker-server';
import { killAll, run } from '../support/processes';

const CLI = join(__dirname, '..', '..', 'bin', 'bindery.js');

describe('bindery --help', () => {
  beforeAll(() => {
    if (!cliBuilt()) throw new Error('dist/ is missing: run `npx tsc -p .` (npm test does) first');
  });
  afterAll(() => killAll());

  const commands: Array<[string[], string]> = [
    [[], 'bindery broker'],
    [['broker'], 'bindery broker [--port'],
    [['topics'], 'bindery topics create'],
    [['topics', 'create'], 'bindery topics create'],
    [['produce'], 'bindery produce --topic'],
    [['consume'], 'bindery consume --topic'],
    [['groups'], 'bindery groups list'],
    [['groups', 'describe'], 'bindery groups describe'],
  ];
  for (const flag of ['--help', '-h']) {
    it.each(commands)(`bindery %j ${flag} prints its usage and exits 0`, async (args, usage) => {
      // A bootstrap server nobody listens on: help must not try to connect.
      const res = await run(process.execPath, [CLI, ...args, flag, '--bootstrap-server', '127.0.0.1:1'], { timeoutMs: 30000 });
      expect(res).toMatchObject({ code: 0, stderr: '' });
      expect(res.stdout).toContain(usage);
    });
  }

  it('bindery help <command> prints that command’s usage', async () => {
    const res = await run(process.execPath, [CLI, 'help', 'consume'], { timeoutMs: 30000 });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('bindery consume --topic');
    expect(res.stdout).not.toContain('bindery broker');
  });
});

describe('bindery CLI habits against bindery broker', () => {
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

  it('takes a negative number as an option value (--acks -1)', async () => {
    const res = await bindery(['produce', '--topic', 'acks-topic', '--acks', '-1', '--message', 'one']);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('Produced 1 message(s) to acks-topic');
  });

  it('says that a topic to describe does not exist', async () => {
    const res = await bindery(['topics', 'describe', '--topic', 'nosuch']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("topic 'nosuch' does not exist");
    expect(res.stderr).not.toContain('does not host this topic-partition');
  });

  it('prints headers with --print-headers', async () => {
    expect((await bindery(['produce', '--topic', 'hdr-topic', '--header', 'x-exception-message=boom', '--header', 'trace=7', '--message', 'with'])).code).toBe(0);
    expect((await bindery(['produce', '--topic', 'hdr-topic', '--message', 'without'])).code).toBe(0);
    const res = await bindery(['consume', '--topic', 'hdr-topic', '--from-beginning', '--max-messages', '2', '--print-headers']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('x-exception-message:boom,trace:7\twith\nNO_HEADERS\twithout\n');
  });

  it('stops consuming within --timeout-ms after the last message', async () => {
    expect((await bindery(['produce', '--topic', 'idle-topic', '--message', 'only'])).code).toBe(0);
    const timeoutMs = 2000;
    const child = spawn(process.execPath, [CLI, 'consume', '--topic', 'idle-topic', '--from-beginning', '--timeout-ms', String(timeoutMs), '--bootstrap-server', broker.bootstrap], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastMessageAt = 0;
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      lastMessageAt = Date.now();
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    const afterLastMessage = Date.now() - lastMessageAt;
    expect(code).toBe(0);
    expect(stdout).toBe('only\n');
    // The idle timeout plus a margin for leaving the group, not a fetch's long-poll on top.
    expect(afterLastMessage).toBeLessThan(timeoutMs + 1500);
  });
});
