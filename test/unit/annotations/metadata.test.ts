import {
  Ack,
  Context,
  EnableBinding,
  Header,
  Headers,
  Inject,
  Injectable,
  Input,
  KafkaListener,
  METADATA_KEY,
  Output,
  Payload,
  Processor,
  SendTo,
  Sink,
  Source,
  StreamListener,
  readMetadata,
  type InputChannel,
  type MessageChannel,
} from '../../../src';

class Orders {
  @Input('orders-in') readonly incoming!: InputChannel;
  @Output() readonly confirmations!: MessageChannel;
}

@EnableBinding(Orders, Source)
class OrderHandler {
  constructor(@Output('audit') readonly audit: MessageChannel, @Inject('clock') readonly clock: unknown) {}

  @StreamListener('orders-in', { condition: "headers['type']=='created'" })
  @SendTo('confirmations')
  created(@Payload() body: unknown, @Header('type') type: string, @Headers() all: object, @Ack() ack: unknown, @Context() ctx: unknown): void {
    void [body, type, all, ack, ctx];
  }
}

describe('decorators record one metadata object per class', () => {
  it('stores everything under Symbol.for("bindery:metadata")', () => {
    expect(METADATA_KEY).toBe(Symbol.for('bindery:metadata'));
    const metadata = Reflect.getOwnMetadata(Symbol.for('bindery:metadata'), OrderHandler);
    expect(metadata).toBe(readMetadata(OrderHandler));
  });

  it('records binding interfaces, their properties, listeners, @SendTo and parameters', () => {
    const metadata = readMetadata(OrderHandler);
    expect(metadata.injectable).toBe(true);
    expect(metadata.enableBinding).toEqual([Orders, Source]);
    expect(readMetadata(Orders).bindingProperties).toEqual([
      { property: 'incoming', name: 'orders-in', kind: 'input' },
      { property: 'confirmations', name: 'confirmations', kind: 'output' },
    ]);
    expect(metadata.streamListeners).toEqual([{ method: 'created', binding: 'orders-in', condition: "headers['type']=='created'" }]);
    expect(metadata.sendTo).toEqual({ created: 'confirmations' });
    expect([...metadata.parameters.created].sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, kind: 'payload' },
      { index: 1, kind: 'header', name: 'type' },
      { index: 2, kind: 'headers' },
      { index: 3, kind: 'ack' },
      { index: 4, kind: 'context' },
    ]);
    expect([...metadata.constructorParameters].sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, kind: 'output', name: 'audit' },
      { index: 1, kind: 'inject', token: 'clock' },
    ]);
  });

  it('declares Sink, Source and Processor with Spring Cloud Stream names', () => {
    expect(readMetadata(Sink).bindingProperties).toEqual([{ property: 'input', name: 'input', kind: 'input' }]);
    expect(readMetadata(Source).bindingProperties).toEqual([{ property: 'output', name: 'output', kind: 'output' }]);
    expect(readMetadata(Processor).bindingProperties.map((p) => p.name)).toEqual(['input', 'output']);
    expect([Sink.INPUT, Source.OUTPUT, Processor.INPUT, Processor.OUTPUT]).toEqual(['input', 'output', 'input', 'output']);
  });

  it('records @KafkaListener options as given', () => {
    @Injectable()
    class Listener {
      @KafkaListener({ id: 'l', topicPattern: /^orders\./, groupId: 'g', concurrency: 2, autoStartup: false, batch: true, ackMode: 'manual', properties: { maxAttempts: 1 } })
      handle(): void {}
    }
    expect(readMetadata(Listener).kafkaListeners).toEqual([
      {
        method: 'handle',
        options: { id: 'l', topicPattern: /^orders\./, groupId: 'g', concurrency: 2, autoStartup: false, batch: true, ackMode: 'manual', properties: { maxAttempts: 1 } },
      },
    ]);
  });

  it('gives a subclass its own copy, leaving the parent unchanged', () => {
    @EnableBinding(Sink)
    class Base {
      @StreamListener(Sink.INPUT)
      a(): void {}
    }
    class Derived extends Base {
      @SendTo('output')
      b(): void {}
    }
    expect(readMetadata(Derived).streamListeners.map((l) => l.method)).toEqual(['a']);
    expect(readMetadata(Derived).sendTo).toEqual({ b: 'output' });
    expect(readMetadata(Base).sendTo).toEqual({});
  });

  it('reports an empty object for undecorated classes and rejects misuse', () => {
    class Plain {}
    expect(readMetadata(Plain).streamListeners).toEqual([]);
    expect(() => EnableBinding('Sink' as unknown as Function)(class X {})).toThrow('@EnableBinding on X takes binding interface classes');
    expect(() => {
      class Bad {
        constructor(@Output() readonly out: MessageChannel) {}
      }
      return Bad;
    }).toThrow('@Output(name) on a parameter needs a binding name');
  });
});
