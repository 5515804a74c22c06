import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AmbiguousListenersError,
  BindingConflictError,
  Input,
  Bindery,
  ConfigFileError,
  ConfigTypeError,
  EnableBinding,
  Injectable,
  InvalidConditionError,
  KafkaListener,
  ListenerSignatureError,
  MissingChannelError,
  Output,
  SendTo,
  Sink,
  Source,
  StreamListener,
  UnknownBinderError,
  UnknownBindingError,
  UnknownConfigKeyError,
  UnresolvedDependencyError,
  silentLogger,
  type BinderyOptions,
  type MessageChannel,
} from '../../../src';

const create = (options: Partial<BinderyOptions> & Pick<BinderyOptions, 'services'>) =>
  Bindery.create({ configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false, ...options, config: { binder: 'test', ...options.config } });

@EnableBinding(Sink)
class SinkService {
  @StreamListener(Sink.INPUT)
  handle(): void {}
}

describe('start-up validation', () => {
  it('rejects config for a binding no service declares, with strictBindings', async () => {
    const error = await create({ services: [SinkService], config: { strictBindings: true, bindings: { inptu: { destination: 'orders' } } } }).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownBindingError);
    expect(error.code).toBe('UNKNOWN_BINDING');
    expect(error.message).toBe(
      "Config 'bindings.inptu' names a binding no service declares (declared: input); did you mean 'input'? (strictBindings is set.) " +
        "Fix the name, or declare it with @Input('inptu') / @Output('inptu') on a binding interface named in @EnableBinding.",
    );
  });

  it('rejects a listener on a channel that does not exist', async () => {
    @EnableBinding(Sink)
    class Wrong {
      @StreamListener('orders')
      handle(): void {}
    }
    const error = await create({ services: [Wrong] }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingChannelError);
    expect(error.message).toBe(
      "@StreamListener('orders') on Wrong.handle refers to input binding 'orders', which no @EnableBinding interface declares " +
        "(declared inputs: input). Add @Input('orders') to a binding interface and list it in @EnableBinding.",
    );
  });

  it('rejects @SendTo to an output nobody declares', async () => {
    @EnableBinding(Sink)
    class Forwarder {
      @StreamListener(Sink.INPUT)
      @SendTo('nowhere')
      handle(): number {
        return 1;
      }
    }
    const error = await create({ services: [Forwarder] }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingChannelError);
    expect(error.message).toContain("@SendTo('nowhere') on Forwarder.handle refers to output binding 'nowhere'");
  });

  it('rejects two listeners on one binding without conditions', async () => {
    @EnableBinding(Sink)
    class Twice {
      @StreamListener(Sink.INPUT)
      a(): void {}
      @StreamListener(Sink.INPUT, { condition: "headers['type']=='x'" })
      b(): void {}
    }
    const error = await create({ services: [Twice] }).catch((e) => e);
    expect(error).toBeInstanceOf(AmbiguousListenersError);
    expect(error.message).toBe(
      "Binding 'input' has 2 listeners (Twice.a, Twice.b) and not all have a condition. " +
        "Give each one a condition, e.g. @StreamListener('input', { condition: \"headers['type']=='created'\" }), or use one listener.",
    );
  });

  it('rejects a condition that does not parse', async () => {
    @EnableBinding(Sink)
    class BadCondition {
      @StreamListener(Sink.INPUT, { condition: "headers['type'] = 'x'" })
      a(): void {}
    }
    const error = await create({ services: [BadCondition] }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidConditionError);
    expect(error.message).toMatch(/^Condition "headers\['type'\] = 'x'" on BadCondition\.a is not valid: /);
  });

  it('rejects config values of the wrong type, naming the path and the source', async () => {
    const fromCode = await create({
      services: [SinkService],
      config: { bindings: { input: { consumer: { maxAttempts: 'three' as unknown as number } } } },
    }).catch((e) => e);
    expect(fromCode).toBeInstanceOf(ConfigTypeError);
    expect(fromCode.message).toBe(
      `Config 'bindings.input.consumer.maxAttempts' must be a positive integer, got "three" (from the config passed to Bindery.create). Fix it there.`,
    );

    const fromEnv = await create({ services: [SinkService], env: { BINDERY_BINDINGS_INPUT_CONSUMER_ENABLEDLQ: 'yes' } }).catch((e) => e);
    expect(fromEnv).toBeInstanceOf(ConfigTypeError);
    expect(fromEnv.message).toBe(
      `Config 'bindings.input.consumer.enableDlq' must be true or false, got "yes" (from environment variable BINDERY_BINDINGS_INPUT_CONSUMER_ENABLEDLQ). Fix it there.`,
    );

    const fromEnum = await create({
      services: [SinkService],
      config: { bindings: { input: { consumer: { ackMode: 'auto' as never } } } },
    }).catch((e) => e);
    expect(fromEnum.message).toContain(`must be one of "record", "batch", "manual", "manual_immediate", got "auto"`);
  });

  it('rejects unknown config keys and unknown BINDERY_ variables', async () => {
    const key = await create({
      services: [SinkService],
      config: { bindings: { input: { consumer: { maxAttempt: 2 } as never } } },
    }).catch((e) => e);
    expect(key).toBeInstanceOf(UnknownConfigKeyError);
    expect(key.message).toMatch(/^Config 'bindings.input.consumer.maxAttempt' \(from the config passed to Bindery.create\) is not a setting bindery knows; did you mean 'maxAttempts'\? Known here: maxAttempts, /);

    const variable = await create({ services: [SinkService], env: { BINDERY_BINDNGS_INPUT_GROUP: 'x' } }).catch((e) => e);
    expect(variable).toBeInstanceOf(ConfigTypeError);
    expect(variable.message).toContain("Config 'BINDERY_BINDNGS_INPUT_GROUP' must be a BINDERY_<config path> variable bindery knows");
  });

  it('rejects a config file that does not parse', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-config-'));
    const file = path.join(dir, 'bindery.config.yaml');
    fs.writeFileSync(file, 'bindings:\n  input: [unclosed\n');
    try {
      const error = await create({ services: [SinkService], configFile: file }).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigFileError);
      expect(error.message).toMatch(new RegExp(`^Config file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not be read: .+\\. Fix the file or remove it\\.$`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown binder by name', async () => {
    const error = await create({ services: [SinkService], config: { binder: 'rabbit' } }).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownBinderError);
    expect(error.message).toMatch(/^No binder named 'rabbit' is registered \(known: .*test.*\)\. Set config 'binder' \(or BINDERY_BINDER\) to one of them/);
  });

  it('rejects a service whose dependency is not registered', async () => {
    class Ledger {}
    @EnableBinding(Sink)
    class NeedsLedger {
      constructor(readonly ledger: Ledger) {}
      @StreamListener(Sink.INPUT)
      handle(): void {}
    }
    const error = await create({ services: [NeedsLedger] }).catch((e) => e);
    expect(error).toBeInstanceOf(UnresolvedDependencyError);
    expect(error.message).toBe(
      'Cannot create NeedsLedger: constructor parameter #0 needs Ledger, which is not registered: add it to Bindery.create({ services: [...] }).',
    );
  });

  it('rejects a listener parameter it cannot fill', async () => {
    @EnableBinding(Sink)
    class TwoPayloads {
      @StreamListener(Sink.INPUT)
      handle(_a: unknown, _b: unknown): void {}
    }
    const error = await create({ services: [TwoPayloads] }).catch((e) => e);
    expect(error).toBeInstanceOf(ListenerSignatureError);
    expect(error.message).toContain('TwoPayloads.handle: parameter #1 is not the payload and has no decorator');
  });

  it('rejects a @KafkaListener without topics', async () => {
    @Injectable()
    class NoTopics {
      @KafkaListener({ id: 'empty' })
      handle(): void {}
    }
    const error = await create({ services: [NoTopics] }).catch((e) => e);
    expect(error).toBeInstanceOf(ListenerSignatureError);
    expect(error.message).toBe('NoTopics.handle: @KafkaListener needs topics, topicPattern or topicPartitions (or config bindings.empty.destination).');
  });

  it('accepts a well-formed application and injects output channels', async () => {
    @EnableBinding(Source)
    class Publisher {
      constructor(@Output('audit') readonly audit: MessageChannel, readonly source: Source) {}
    }
    const app = await create({ services: [Publisher] });
    try {
      const publisher = app.get(Publisher);
      expect(publisher.audit.destination).toBe('audit');
      expect(publisher.source.output.destination).toBe('output');
    } finally {
      await app.close();
    }
  });
});

describe('binding declarations', () => {
  it('rejects one name used for an input and an output', async () => {
    class In {
      @Input('events') readonly events!: unknown;
    }
    class Out {
      @Output('events') readonly events!: MessageChannel;
    }
    @EnableBinding(In, Out)
    class Both {}
    const error = await create({ services: [Both] }).catch((e) => e);
    expect(error).toBeInstanceOf(BindingConflictError);
    expect(error.message).toBe(
      "Binding 'events' is declared as input by In and as output by Out. " +
        'Give them different binding names (both may use the same destination through config bindings.<name>.destination).',
    );
  });
});
