import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../../../src';

describe('configuration layers', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('maps BINDERY_* variables onto config paths with typed values', () => {
    const config = loadConfig({
      configFile: false,
      knownBindings: ['orders-in'],
      env: {
        BINDERY_BINDER: 'kafka',
        BINDERY_BINDINGS_INPUT_DESTINATION: 'orders',
        BINDERY_BINDINGS_ORDERS_IN_GROUP: 'billing',
        BINDERY_BINDINGS_INPUT_CONSUMER_MAX_ATTEMPTS: '5',
        BINDERY_BINDINGS_INPUT_CONSUMER_ENABLEDLQ: 'TRUE',
        BINDERY_BINDINGS_INPUT_CONSUMER_ACKMODE: 'MANUAL_IMMEDIATE',
        BINDERY_BINDINGS_INPUT_CONSUMER_BACKOFFMULTIPLIER: '1.5',
        BINDERY_BINDERS_KAFKA_CLIENT_ID: 'shop',
        BINDERY_SHUTDOWNTIMEOUTMS: '2500',
        UNRELATED: 'ignored',
      },
    });
    expect(config).toEqual({
      binder: 'kafka',
      binders: { kafka: { clientId: 'shop' } },
      bindings: {
        input: { destination: 'orders', consumer: { maxAttempts: 5, enableDlq: true, ackMode: 'manual_immediate', backOffMultiplier: 1.5 } },
        'orders-in': { group: 'billing' },
      },
      shutdownTimeoutMs: 2500,
    });
  });

  it('leaves variables that are not config alone, and still refuses a misspelt config path', () => {
    const tooling = {
      BINDERY_REDIS_PORT: '6398',
      BINDERY_REQUIRE_PEERS: '1',
      BINDERY_REDIS_URL: 'redis://127.0.0.1:6399',
      BINDERY_TEST_BROKER: 'inprocess',
      BINDERY_BENCH_KAFKA: '0',
    };
    expect(loadConfig({ configFile: false, env: { ...tooling, BINDERY_BINDER: 'test' } })).toEqual({ binder: 'test' });
    expect(() => loadConfig({ configFile: false, env: { ...tooling, BINDERY_BINDRE: 'test' } })).toThrow(
      /BINDERY_BINDRE' must be a BINDERY_<config path> variable/,
    );
    expect(() => loadConfig({ configFile: false, env: { BINDERY_BINDINGS_INPUT_DESTINATON: 'orders' } })).toThrow(
      /BINDERY_BINDINGS_INPUT_DESTINATON' must be a BINDERY_<config path> variable/,
    );
  });

  it('layers code < file < environment', () => {
    const file = path.join(dir, 'bindery.config.yaml');
    fs.writeFileSync(file, 'binder: native\nbindings:\n  input:\n    destination: from-file\n    group: file-group\n');
    const config = loadConfig({
      cwd: dir,
      config: { binder: 'test', bindings: { input: { destination: 'from-code', contentType: 'text/plain' } } },
      env: { BINDERY_BINDINGS_INPUT_GROUP: 'env-group' },
    });
    expect(config).toEqual({
      binder: 'native',
      bindings: { input: { destination: 'from-file', group: 'env-group', contentType: 'text/plain' } },
    });
  });

  it('reads bindery.config.json, or the file BINDERY_CONFIG_FILE names', () => {
    fs.writeFileSync(path.join(dir, 'bindery.config.json'), JSON.stringify({ binder: 'json-binder' }));
    expect(loadConfig({ cwd: dir, env: {} }).binder).toBe('json-binder');
    const other = path.join(dir, 'other.yml');
    fs.writeFileSync(other, 'binder: yaml-binder\n');
    expect(loadConfig({ cwd: dir, env: { BINDERY_CONFIG_FILE: other } }).binder).toBe('yaml-binder');
    expect(loadConfig({ cwd: dir, env: {}, configFile: false }).binder).toBeUndefined();
  });
});
