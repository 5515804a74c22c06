/**
 * Configuration that catches mistakes: binder settings are validated like bindings (from code, file
 * and environment), unknown names point at the nearest known one, and config for a binding no
 * service declares is a warning unless strictBindings is set.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Bindery,
  ConfigTypeError,
  EnableBinding,
  Sink,
  StreamListener,
  UnknownBinderError,
  UnknownBindingError,
  UnknownConfigKeyError,
  loadConfig,
  type BinderyOptions,
  type Logger,
} from '../../../../src';
import { createBinder, registerBinder } from '../../../../src/binder/registry';
import { TestBinder } from '../../../../src/binder/test';
import { warningsInto } from '../../../support/capturingLogger';

@EnableBinding(Sink)
class SinkService {
  @StreamListener(Sink.INPUT)
  handle(): void {}
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return Object.assign(warningsInto(warnings), { warnings });
}

const create = (options: Partial<BinderyOptions> & Pick<BinderyOptions, 'services'>) =>
  Bindery.create({ configFile: false, env: {}, shutdownOnSignals: false, ...options, config: { binder: 'test', ...options.config } });

describe('binder settings are validated', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-binder-settings-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rejects a misspelt native setting in code, naming the nearest known one', () => {
    const error = (() => {
      try {
        return loadConfig({ configFile: false, env: {}, config: { binders: { native: { dataDri: './data' } as never } } });
      } catch (e) {
        return e;
      }
    })() as Error;
    expect(error).toBeInstanceOf(UnknownConfigKeyError);
    expect(error.message).toContain("Config 'binders.native.dataDri' (from the config passed to Bindery.create) is not a setting bindery knows");
    expect(error.message).toContain("did you mean 'dataDir'?");
  });

  it('rejects a misspelt kafka setting in a config file', () => {
    const file = path.join(dir, 'bindery.config.yaml');
    fs.writeFileSync(file, 'binders:\n  kafka:\n    broker: 10.0.0.1:9092\n');
    expect(() => loadConfig({ configFile: file, env: {} })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_CONFIG_KEY', message: expect.stringContaining(`'binders.kafka.broker' (from config file ${file})`) }),
    );
    expect(() => loadConfig({ configFile: file, env: {} })).toThrow(/did you mean 'brokers'\?/);
  });

  it('rejects a misspelt binder setting in the environment, naming the nearest variable', () => {
    const run = () => loadConfig({ configFile: false, env: { BINDERY_BINDERS_NATIVE_DATADRI: '/var/lib/shop' } });
    expect(run).toThrow(ConfigTypeError);
    expect(run).toThrow(/did you mean BINDERY_BINDERS_NATIVE_DATA_DIR\?/);
  });

  it('rejects binder settings of the wrong type', () => {
    expect(() => loadConfig({ configFile: false, env: {}, config: { binders: { native: { defaultPartitions: 'three' as never } } } })).toThrow(
      "Config 'binders.native.defaultPartitions' must be a positive integer, got \"three\"",
    );
    expect(() => loadConfig({ configFile: false, env: {}, config: { binders: { kafka: { brokers: 9092 as never } } } })).toThrow(
      "Config 'binders.kafka.brokers' must be",
    );
    expect(() => loadConfig({ configFile: false, env: { BINDERY_BINDERS_KAFKA_CONNECTION_TIMEOUT_MS: 'soon' } })).toThrow(
      "Config 'binders.kafka.connectionTimeoutMs' must be a positive integer",
    );
  });

  it('maps binder variables onto the typed settings, whatever the case', () => {
    const config = loadConfig({
      configFile: false,
      env: {
        BINDERY_BINDERS_NATIVE_DATADIR: '/var/lib/shop',
        BINDERY_BINDERS_NATIVE_DEFAULT_PARTITIONS: '3',
        BINDERY_BINDERS_KAFKA_BROKERS: 'a:9092,b:9092',
        BINDERY_BINDERS_KAFKA_RETRY_RETRIES: '2',
        BINDERY_BINDERS_KAFKA_SSL: 'true',
        BINDERY_BINDERS_NATIVE_BROKER_CONFIG_LOG_SEGMENT_BYTES: '1048576',
      },
    });
    expect(config.binders).toEqual({
      native: { dataDir: '/var/lib/shop', defaultPartitions: 3, brokerConfig: { logSegmentBytes: 1048576 } },
      kafka: { brokers: 'a:9092,b:9092', retry: { retries: 2 }, ssl: true },
    });
  });

  it('rejects settings for a binder no one registered, naming the nearest', () => {
    expect(() => loadConfig({ configFile: false, env: {}, config: { binders: { natvie: { dataDir: './data' } } } })).toThrow(
      /Config 'binders\.natvie' \(from the config passed to Bindery\.create\) is not a setting bindery knows; did you mean 'native'\?/,
    );
    expect(() => loadConfig({ configFile: false, env: { BINDERY_BINDERS_KAFAK_BROKERS: 'a:9092' } })).toThrow(/binders\.kafak.*did you mean 'kafka'\?/);
  });

  it('leaves the settings of a binder that describes none to that binder', () => {
    registerBinder('custom-free', () => new TestBinder());
    const config = loadConfig({ configFile: false, env: {}, config: { binders: { 'custom-free': { anything: 1 } } } });
    expect(config.binders?.['custom-free']).toEqual({ anything: 1 });
  });
});

describe('names that are almost right', () => {
  it('names the nearest BINDERY_ variable', async () => {
    const error = await create({ services: [SinkService], env: { BINDERY_BINDNGS_INPUT_GROUP: 'x' } }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigTypeError);
    expect(error.message).toContain('did you mean BINDERY_BINDINGS_INPUT_GROUP?');
  });

  it('lists every registered binder for an unknown one', async () => {
    const error = await createBinder('kafak').catch((e) => e);
    expect(error).toBeInstanceOf(UnknownBinderError);
    expect(error.message).toMatch(/known: .*kafka/);
    expect(error.message).toMatch(/known: .*native/);
    expect(error.message).toMatch(/known: .*test/);
    expect(error.message).toContain("did you mean 'kafka'?");
  });
});

describe('config for a binding no service declares', () => {
  it('is a warning naming the nearest declared binding', async () => {
    const logger = recordingLogger();
    const app = await create({ services: [SinkService], logger, config: { bindings: { inptu: { destination: 'orders' } } } });
    await app.close();
    expect(logger.warnings).toEqual([expect.stringContaining("Config 'bindings.inptu' (from the config passed to Bindery.create) names a binding no service of this app declares")]);
    expect(logger.warnings[0]).toContain("did you mean 'input'?");
  });

  it('is a warning when it comes from the environment (one ConfigMap for several services)', async () => {
    const logger = recordingLogger();
    const app = await create({ services: [SinkService], logger, env: { BINDERY_BINDINGS_PAYMENTS_DESTINATION: 'payments' } });
    await app.close();
    expect(logger.warnings).toEqual([expect.stringContaining("Config 'bindings.payments' (from environment variable BINDERY_BINDINGS_PAYMENTS_DESTINATION)")]);
  });

  it('is an error with strictBindings: true', async () => {
    const error = await create({ services: [SinkService], logger: recordingLogger(), config: { strictBindings: true, bindings: { inptu: { destination: 'orders' } } } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(UnknownBindingError);
    expect(error.message).toContain("did you mean 'input'?");
  });
});
