import { Container, inject, injectable } from 'inversify';
import {
  Bindery,
  BinderyError,
  EnableBinding,
  Inject,
  Injectable,
  MessageChannel,
  Output,
  OutputDestination,
  Sink,
  Source,
  StreamListener,
  TestBinder,
  UnresolvedDependencyError,
  silentLogger,
  type BinderyOptions,
} from '../../../src';
import { DependencyResolutionError, NotRegisteredError } from '../../../src/runtime/container';

const base = { configFile: false as const, env: {}, logger: silentLogger, shutdownOnSignals: false, config: { binder: 'test' } };

async function withApp<T>(options: Partial<BinderyOptions> & Pick<BinderyOptions, 'services'>, body: (app: Bindery) => Promise<T> | T): Promise<T> {
  const app = await Bindery.create({ ...base, ...options });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

interface Greeter {
  greet(name: string): string;
}
const GREETER = Symbol('greeter');

describe('service container on inversify', () => {
  it('uses an inversify Container of the application as parent for what bindery does not register', async () => {
    @injectable()
    class Database {
      readonly id = Math.random();
    }
    const parent = new Container();
    parent.bind(Database).toSelf().inSingletonScope();
    parent.bind<Greeter>(GREETER).toConstantValue({ greet: (name) => `hello ${name}` });

    @EnableBinding(Sink)
    class Handler {
      constructor(
        readonly database: Database,
        @Inject(GREETER) readonly greeter: Greeter,
      ) {}
      @StreamListener(Sink.INPUT)
      handle(): void {}
    }

    await withApp({ services: [Handler], container: parent }, (app) => {
      const handler = app.get(Handler);
      expect(handler.database).toBe(parent.get(Database));
      expect(handler.greeter.greet('ada')).toBe('hello ada');
      expect(app.get(Database)).toBe(parent.get(Database));
    });
    // bindery's services stay in bindery's container: the parent is not changed.
    expect(parent.isBound(Handler)).toBe(false);
  });

  it('prefers its own registrations over the parent container', async () => {
    const parent = new Container();
    parent.bind('greeting').toConstantValue('from parent');
    parent.bind('farewell').toConstantValue('bye from parent');
    @Injectable()
    class Speaker {
      constructor(
        @Inject('greeting') readonly greeting: string,
        @Inject('farewell') readonly farewell: string,
      ) {}
    }
    await withApp({ services: [Speaker, { provide: 'greeting', useValue: 'from bindery' }], container: parent }, (app) => {
      expect(app.get(Speaker)).toMatchObject({ greeting: 'from bindery', farewell: 'bye from parent' });
    });
  });

  it('accepts classes already decorated with inversify, and the same classes in several applications', async () => {
    @injectable()
    class Counter {
      count = 0;
    }
    @injectable()
    class Reporter {
      constructor(
        readonly counter: Counter,
        @inject(GREETER) readonly greeter: Greeter,
      ) {}
    }
    @Injectable()
    class Summary {
      constructor(
        readonly reporter: Reporter,
        @Inject(GREETER) readonly greeter: Greeter,
        @Output('summaries') readonly summaries: MessageChannel,
      ) {}
    }
    const greeter: Greeter = { greet: (name) => `hi ${name}` };
    const services = [Summary, Reporter, Counter, { provide: GREETER, useValue: greeter }];
    const first = await withApp({ services }, (app) => app.get(Summary));
    const second = await withApp({ services }, (app) => app.get(Summary));
    expect(first.greeter).toBe(greeter);
    expect(first.reporter.greeter).toBe(greeter);
    expect(first.reporter.counter).toBeInstanceOf(Counter);
    expect(second.summaries.binding).toBe('summaries');
    // Singletons belong to one application.
    expect(second.reporter.counter).not.toBe(first.reporter.counter);
  });

  it('injects @Output channels and binding interface instances into constructors', async () => {
    @EnableBinding(Source)
    class Auditor {
      constructor(
        @Output('audit') readonly audit: MessageChannel,
        readonly source: Source,
      ) {}
    }
    const binder = new TestBinder();
    await withApp({ services: [Auditor], binder }, async (app) => {
      const auditor = app.get(Auditor);
      expect(auditor.source).toBe(app.get(Source));
      await auditor.audit.send({ event: 'login' });
      await auditor.source.output.send({ event: 'order' });
      const output = OutputDestination.of(binder);
      expect((await output.receive(20000, 'audit'))?.payload()).toEqual({ event: 'login' });
      expect((await output.receive(20000, 'output'))?.payload()).toEqual({ event: 'order' });
    });
  });

  it('resolves @Inject tokens that are neither strings, symbols nor classes', async () => {
    const settingsToken = { name: 'settings' };
    @Injectable()
    class UsesSettings {
      constructor(@Inject(settingsToken) readonly settings: { retries: number }) {}
    }
    await withApp({ services: [UsesSettings, { provide: settingsToken, useValue: { retries: 3 } }] }, (app) => {
      expect(app.get(UsesSettings).settings).toEqual({ retries: 3 });
      expect(app.get(settingsToken)).toEqual({ retries: 3 });
    });
  });

  it('explains constructors that depend on each other in a circle', async () => {
    // Within one module a class cannot name a later one in its constructor types, so the circle
    // is recorded the way TypeScript records constructor types once both classes exist.
    class Chicken {
      constructor(readonly egg: unknown) {}
    }
    class Egg {
      constructor(readonly chicken: unknown) {}
    }
    Reflect.defineMetadata('design:paramtypes', [Egg], Chicken);
    Reflect.defineMetadata('design:paramtypes', [Chicken], Egg);
    const error = await Bindery.create({ ...base, services: [Chicken, Egg] }).catch((e) => e);
    expect(error).toBeInstanceOf(UnresolvedDependencyError);
    expect(error.message).toBe(
      'Cannot create Egg: constructor parameter #0 needs Chicken, which needs Egg in turn (Chicken → Egg → Chicken): ' +
        'constructors cannot depend on each other in a circle; move what they share into a service of its own.',
    );
  });

  it('reports a token nothing provides with a typed error', async () => {
    await withApp({ services: [] }, (app) => {
      let error: unknown;
      try {
        app.get('missing');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NotRegisteredError);
      expect(error).toBeInstanceOf(BinderyError);
      expect((error as NotRegisteredError).code).toBe('NOT_REGISTERED');
      expect((error as Error).message).toBe(
        'Nothing is registered for missing: add it to Bindery.create({ services: [...] }) or bind it in the container passed as Bindery.create({ container }).',
      );
    });
  });

  it('translates a failure inside the parent container into a typed error naming the service', async () => {
    class Credentials {}
    @injectable()
    class Database {
      constructor(readonly credentials: Credentials) {}
    }
    const parent = new Container();
    parent.bind(Database).toSelf();
    @Injectable()
    class Orders {
      constructor(readonly database: Database) {}
    }
    const error = await Bindery.create({ ...base, services: [Orders], container: parent }).catch((e) => e);
    expect(error).toBeInstanceOf(DependencyResolutionError);
    expect(error.code).toBe('DEPENDENCY_RESOLUTION');
    expect(error.message).toMatch(/^Cannot create Orders: No bindings found for service: "Credentials"\./);
    expect(error.message).toContain('need @injectable() and @inject()');
  });

  it('refuses a parameter decorated both by bindery and by inversify', async () => {
    @injectable()
    class Twice {
      constructor(@Inject('a') @inject('b') readonly value: unknown) {}
    }
    const error = await Bindery.create({ ...base, services: [Twice, { provide: 'a', useValue: 1 }, { provide: 'b', useValue: 2 }] }).catch((e) => e);
    expect(error).toBeInstanceOf(UnresolvedDependencyError);
    expect(error.message).toBe(
      "Cannot create Twice: constructor parameter #0 has both a bindery decorator (@Inject / @Output) and inversify's @inject(): keep one.",
    );
  });

  it("lets a service constructor's own error through unchanged", async () => {
    class NoConnection extends Error {}
    @Injectable()
    class Connects {
      constructor() {
        throw new NoConnection('database unreachable');
      }
    }
    const error = await Bindery.create({ ...base, services: [Connects] }).catch((e) => e);
    expect(error).toBeInstanceOf(NoConnection);
    expect(error.message).toBe('database unreachable');
  });

  it('asks a parent that only offers get/isBound, once per singleton that needs it', async () => {
    const asked: unknown[] = [];
    const parent = {
      isBound: (token: unknown) => token === 'clock',
      get: (token: unknown) => {
        asked.push(token);
        return { now: () => 7 };
      },
    };
    @Injectable()
    class Scheduler {
      constructor(@Inject('clock') readonly clock: { now(): number }) {}
    }
    await withApp({ services: [Scheduler], container: parent }, (app) => {
      expect(app.get(Scheduler).clock.now()).toBe(7);
      expect(app.get(Scheduler)).toBe(app.get(Scheduler));
      expect(asked).toEqual(['clock']);
      expect(() => app.get('calendar')).toThrow(NotRegisteredError);
    });
  });
});
