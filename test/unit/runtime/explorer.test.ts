import { EnableBinding, Injectable, KafkaListener, Processor, SendTo, StreamListener, explore } from '../../../src';

@Injectable()
class Listeners {
  @KafkaListener({ id: 'audit', topics: ['a', 'b'], groupId: 'auditors', concurrency: 2, properties: { maxAttempts: 5, enableDlq: true } })
  @SendTo('audit-trail')
  audit(): void {}

  @KafkaListener({ topicPattern: '^logs\\.' })
  logs(): void {}
}

@EnableBinding(Processor)
class Relay {
  @StreamListener(Processor.INPUT)
  @SendTo(Processor.OUTPUT)
  relay(value: unknown): unknown {
    return value;
  }
}

describe('explorer', () => {
  it('layers consumer settings: defaults < config default < annotation < bindings.<id>', () => {
    const model = explore([Listeners], {
      default: { consumer: { maxAttempts: 9, backOffInitialInterval: 10, concurrency: 7 } },
      bindings: { audit: { group: 'from-config', consumer: { enableDlq: false } } },
    });
    const audit = model.consumers.find((c) => c.name === 'audit')!;
    expect(audit.destination).toEqual(['a', 'b']);
    expect(audit.group).toBe('from-config');
    expect(audit.consumer).toMatchObject({
      maxAttempts: 5,
      backOffInitialInterval: 10,
      backOffMultiplier: 2,
      backOffMaxInterval: 10000,
      concurrency: 2,
      enableDlq: false,
      ackMode: 'record',
      defaultRetryable: true,
    });
    expect(audit.listeners[0].sendTo).toEqual({ topic: 'audit-trail' });
    expect(model.producers.get('audit-trail')?.destination).toBe('audit-trail');
  });

  it('names @KafkaListener ids after the method, groups after the id, and compiles topic patterns', () => {
    const logs = explore([Listeners], {}).consumers.find((c) => c.name === 'Listeners.logs')!;
    expect(logs.group).toBe('Listeners.logs');
    expect(logs.destination).toEqual(/^logs\./);
  });

  it('resolves stream bindings to destinations and groups from config, defaulting to the binding name and no group', () => {
    const plain = explore([Relay], {});
    expect(plain.consumers).toHaveLength(1);
    expect(plain.consumers[0]).toMatchObject({ name: 'input', source: 'stream', destination: 'input', group: undefined, contentType: 'application/json' });
    expect(plain.consumers[0].listeners[0].sendTo).toEqual({ binding: 'output', topic: 'output' });

    const configured = explore([Relay], {
      default: { contentType: 'text/plain' },
      bindings: { input: { destination: 'in', group: 'relays' }, output: { destination: 'out', contentType: 'application/json' } },
    });
    expect(configured.consumers[0]).toMatchObject({ destination: 'in', group: 'relays', contentType: 'text/plain' });
    expect(configured.consumers[0].listeners[0].sendTo).toEqual({ binding: 'output', topic: 'out' });
    expect(configured.producers.get('output')).toMatchObject({ destination: 'out', contentType: 'application/json' });
  });

  it('plans listener parameters: the undecorated one is the payload, typed by its declaration', () => {
    const [listener] = explore([Relay], {}).consumers[0].listeners;
    expect(listener.parameters).toEqual([{ kind: 'payload', targetType: Object }]);
  });
});
