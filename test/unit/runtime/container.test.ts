import { Bindery, EnableBinding, Inject, Injectable, Sink, StreamListener, UnresolvedDependencyError, silentLogger } from '../../../src';

interface Clock {
  now(): number;
}
const CLOCK = Symbol('clock');

class Repository {
  readonly rows: string[] = [];
}

@Injectable()
class Service {
  constructor(
    readonly repository: Repository,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject('greeting') readonly greeting: string,
  ) {}
}

@EnableBinding(Sink)
class Handler {
  constructor(readonly service: Service) {}
  @StreamListener(Sink.INPUT)
  handle(): void {}
}

const base = { configFile: false as const, env: {}, logger: silentLogger, shutdownOnSignals: false, config: { binder: 'test' } };

describe('service container', () => {
  it('builds singletons from constructor types, @Inject tokens, values and a parent container', async () => {
    const parent = {
      isBound: (token: unknown) => token === 'greeting',
      get: (token: unknown) => (token === 'greeting' ? 'hello' : undefined),
    };
    const clock: Clock = { now: () => 42 };
    const app = await Bindery.create({ ...base, services: [Handler, Service, Repository, { provide: CLOCK, useValue: clock }], container: parent });
    try {
      const handler = app.get(Handler);
      expect(handler.service).toBe(app.get(Service));
      expect(handler.service.repository).toBe(app.get(Repository));
      expect(handler.service.clock.now()).toBe(42);
      expect(handler.service.greeting).toBe('hello');
    } finally {
      await app.close();
    }
  });

  it('explains a dependency typed by an interface without @Inject', async () => {
    @Injectable()
    class NeedsInterface {
      constructor(readonly clock: Clock) {}
    }
    const error = await Bindery.create({ ...base, services: [NeedsInterface] }).catch((e) => e);
    expect(error).toBeInstanceOf(UnresolvedDependencyError);
    expect(error.message).toBe(
      'Cannot create NeedsInterface: constructor parameter #0 is typed Object, which is not injectable: use a class type or @Inject(token).',
    );
  });

  it('explains a class whose constructor types were not recorded', async () => {
    class Undecorated {
      constructor(readonly repository: Repository) {}
    }
    const error = await Bindery.create({ ...base, services: [Undecorated, Repository] }).catch((e) => e);
    expect(error.message).toBe(
      'Cannot create Undecorated: constructor parameter #0 has no type information: decorate the class with @Injectable() so TypeScript records constructor types.',
    );
  });
});
