/**
 * Several binders in one app: `binders.<name>` entries with a type, a binder per binding, and the
 * start-up errors for names that do not resolve.
 */
import {
  Bindery,
  EnableBinding,
  Sink,
  StreamListener,
  UndefinedBinderError,
  UnknownConfigKeyError,
  loadConfig,
  silentLogger,
  type BinderyOptions,
} from '../../../../src';

@EnableBinding(Sink)
class SinkService {
  @StreamListener(Sink.INPUT)
  handle(): void {}
}

const create = (options: Partial<BinderyOptions>) =>
  Bindery.create({ services: [SinkService], configFile: false, env: {}, shutdownOnSignals: false, logger: silentLogger, ...options });

describe('named binders', () => {
  it('a binding naming an undefined binder fails start-up, listing the defined ones', async () => {
    const error = await create({
      config: { binder: 'test', binders: { side: { type: 'test' } }, bindings: { input: { binder: 'sied' } } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndefinedBinderError);
    expect((error as Error).message).toMatch(/^Config 'bindings\.input\.binder' names binder 'sied', which is not defined \(defined: side, test, native, kafka\); did you mean 'side'\?/);
  });

  it('each binding gets the binder it names; the others the default one', async () => {
    const app = await create({ config: { binder: 'test', binders: { side: { type: 'test', defaultPartitions: 3 } }, bindings: { input: { binder: 'side' } } } });
    try {
      expect(app.binderOf('input')).not.toBe(app.binder);
      expect(app.binderOf('input').name).toBe('test');
      expect(app.binderOf('output')).toBe(app.binder);
    } finally {
      await app.close();
    }
  });

  it('an entry whose name is not a binder type must set one, in some layer', () => {
    expect(() => loadConfig({ config: { binders: { side: {} } }, configFile: false, env: {} })).toThrow(UnknownConfigKeyError);
    expect(() => loadConfig({ config: { binders: { side: { type: 'rabbit' } } }, configFile: false, env: {} })).toThrow(
      /Config 'binders\.side\.type' must be a binder type \(test, native, kafka.*\), got "rabbit"/,
    );
    // The type from the environment, the settings from code.
    const config = loadConfig({ config: { binders: { side: { defaultPartitions: 2 } } }, configFile: false, env: { BINDERY_BINDERS_SIDE_TYPE: 'test' } });
    expect(config.binders?.side).toEqual({ type: 'test', defaultPartitions: 2 });
  });

  it("an entry's settings are checked against its type's", () => {
    expect(() => loadConfig({ config: { binders: { side: { type: 'test', defaultPartitons: 2 } } }, configFile: false, env: {} })).toThrow(/Config 'binders\.side\.defaultPartitons' \(from the merged configuration\) is not a setting bindery knows; did you mean 'defaultPartitions'\?/);
  });

  it('bindings.<name>.binder comes from the environment too', () => {
    const config = loadConfig({ configFile: false, env: { BINDERY_BINDINGS_INPUT_BINDER: 'side', BINDERY_BINDERS_SIDE_TYPE: 'test' }, knownBindings: ['input'] });
    expect(config.bindings?.input?.binder).toBe('side');
  });
});
