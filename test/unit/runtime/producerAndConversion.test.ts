import {
  Bindery,
  EnableBinding,
  MessageChannel,
  OutputDestination,
  Payload,
  Sink,
  Source,
  StreamListener,
  TestBinder,
  InputDestination,
  KafkaListener,
  MessageConversionError,
  UnknownListenerError,
  silentLogger,
  type MessageConverter,
} from '../../../src';
import { waitFor } from '../../integration/framework/support';

@EnableBinding(Source)
class Publisher {
  constructor(readonly channel: MessageChannel) {}
}

const csv: MessageConverter = {
  contentType: 'text/csv',
  toBytes: (payload) => Buffer.from((payload as string[][]).map((row) => row.join(',')).join('\n')),
  fromBytes: (bytes) => bytes.toString().split('\n').map((row) => row.split(',')),
};

async function app(services: Function[], bindings = {}, extra = {}) {
  const binder = new TestBinder({ defaultPartitions: 4 });
  const created = await Bindery.create({
    services,
    binder,
    config: { bindings },
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
    converters: [csv],
    ...extra,
  });
  return { app: created, binder, output: OutputDestination.of(binder) };
}

describe('producer API and message conversion', () => {
  it('sends with key, headers or explicit partition and reports where the record went', async () => {
    const t = await app([Publisher]);
    try {
      const a = await t.app.send('events', { n: 1 }, { key: 'order-1', headers: { type: 'x' } });
      const b = await t.app.send('events', { n: 2 }, { key: 'order-1' });
      const c = await t.app.send('events', { n: 3 }, { partition: 3 });
      expect(a).toEqual({ topic: 'events', partition: a.partition, offset: 0 });
      expect(b.partition).toBe(a.partition);
      expect(b.offset).toBe(1);
      expect(c.partition).toBe(3);
      const first = await t.output.receive(20000, 'events');
      expect(first?.headers).toMatchObject({ type: 'x', 'content-type': 'application/json' });
      expect(first?.headers['message-id']).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await t.app.close();
    }
  });

  it('converts by content type: JSON default, text, raw bytes and a custom converter', async () => {
    const t = await app([Publisher], { output: { destination: 'out' } });
    try {
      const channel = t.app.get(Publisher).channel;
      expect(channel.destination).toBe('out');
      await channel.send({ a: 1 });
      await channel.send('plain words', { contentType: 'text/plain' });
      await channel.send(Buffer.from([1, 2, 3]));
      await channel.send([['a', 'b'], ['c', 'd']], { contentType: 'text/csv' });
      const received = [];
      for (let i = 0; i < 4; i++) received.push(await t.output.receive(20000, 'out'));
      expect(received.map((m) => m?.headers['content-type'])).toEqual(['application/json', 'text/plain', 'application/octet-stream', 'text/csv']);
      expect(received[0]?.payload()).toEqual({ a: 1 });
      expect(received[1]?.payload()).toBe('plain words');
      expect([...(received[2]?.value ?? [])]).toEqual([1, 2, 3]);
      expect(received[3]?.value?.toString()).toBe('a,b\nc,d');
      await expect(channel.send({}, { contentType: 'application/avro' })).rejects.toThrow(MessageConversionError);
    } finally {
      await t.app.close();
    }
  });

  it('decodes for the listener by content type and parameter type', async () => {
    const got: unknown[] = [];
    @EnableBinding(Sink)
    class Reader {
      @StreamListener(Sink.INPUT)
      read(@Payload() value: string): void {
        got.push(value);
      }
    }
    const t = await app([Reader], { input: { destination: 'in', group: 'g' } });
    await t.app.start();
    try {
      const input = InputDestination.of(t.binder);
      input.send({ a: 1 });
      input.send('hello');
      input.send(Buffer.from('a,b'), { headers: { 'content-type': 'text/csv' } });
      await waitFor(() => got.length === 3);
      // A parameter typed string gets the text; the csv converter has its own idea of the payload.
      expect(got).toEqual(['{"a":1}', 'hello', [['a', 'b']]]);
    } finally {
      await t.app.close();
    }
  });

  it('pauses and resumes a binding by name', async () => {
    const got: unknown[] = [];
    const witnessed: unknown[] = [];
    @EnableBinding(Sink)
    class Reader {
      @StreamListener(Sink.INPUT)
      read(value: unknown): void {
        got.push(value);
      }
      @KafkaListener({ id: 'witness', topics: 'in' })
      witness(value: unknown): void {
        witnessed.push(value);
      }
    }
    const t = await app([Reader], { input: { destination: 'in', group: 'g' } });
    await t.app.start();
    try {
      t.app.pause('input');
      expect(t.app.isPaused('input')).toBe(true);
      InputDestination.of(t.binder).send({ n: 1 }, { destination: 'in' });
      await waitFor(() => witnessed.length === 1);
      expect(got).toEqual([]);
      t.app.resume('input');
      await waitFor(() => got.length === 1);
      expect(() => t.app.pause('nope')).toThrow(UnknownListenerError);
      expect(() => t.app.pause('nope')).toThrow("No binding or listener named 'nope' (known: witness, input).");
    } finally {
      await t.app.close();
    }
  });
});
