import { UsageError } from '../../../src/cli/args';
import { bindWarnings, isLoopbackHost, plainUsers } from '../../../src/cli/commands/brokerSecurity';

describe('bindery broker security options', () => {
  const files: Record<string, { text: string; mode: number }> = {
    '/etc/bindery/users': { text: '# user:password\nalice:s3cret\n\n  bob:pa:ss  \n', mode: 0o600 },
    '/tmp/open-users': { text: 'carol:c\n', mode: 0o644 },
    '/tmp/bad-users': { text: 'alice:ok\nno-colon-here\n', mode: 0o600 },
  };
  const read = (path: string) => {
    const f = files[path];
    if (!f) throw new Error(`ENOENT: ${path}`);
    return f;
  };

  it('reads user:password lines from a users file, skipping comments and blank lines', () => {
    const { users, warnings } = plainUsers({ argv: [], file: '/etc/bindery/users' }, read);
    expect(users).toEqual({ alice: 's3cret', bob: 'pa:ss' });
    expect(warnings).toEqual([]);
  });

  it('reads users from the environment variable', () => {
    expect(plainUsers({ argv: [], env: 'dave:d1\neve:e2' }, read)).toEqual({ users: { dave: 'd1', eve: 'e2' }, warnings: [] });
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => plainUsers({ argv: [], file: '/tmp/bad-users' }, read)).toThrow(UsageError);
    expect(() => plainUsers({ argv: [], file: '/tmp/bad-users' }, read)).toThrow(/\/tmp\/bad-users line 2.*user:password/);
  });

  it('keeps --sasl-plain-user working with a warning, and warns about a users file others can read', () => {
    const fromArgv = plainUsers({ argv: ['frank:f'] }, read);
    expect(fromArgv.users).toEqual({ frank: 'f' });
    expect(fromArgv.warnings.join('\n')).toMatch(/--sasl-plain-user.*process list.*--sasl-plain-users-file.*BINDERY_SASL_PLAIN_USERS/);
    expect(plainUsers({ argv: [], file: '/tmp/open-users' }, read).warnings.join('\n')).toMatch(/\/tmp\/open-users is readable by other users.*chmod 600/);
  });

  it('tells loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.3.2.1', '::1', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'kafka.example.com', '10.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('warns when listening beyond loopback without authentication', () => {
    expect(bindWarnings('0.0.0.0', false).join('\n')).toMatch(/0\.0\.0\.0 without authentication.*--sasl-plain-users-file/);
    expect(bindWarnings('0.0.0.0', true)).toEqual([]);
    expect(bindWarnings('127.0.0.1', false)).toEqual([]);
  });
});
