import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Bindery, EnableBinding, Payload, Sink, StreamListener, silentLogger } from '../../../../src';
import { MessagingTracing } from '../../../../src/runtime/observability/tracing';

@EnableBinding(Sink)
class Recorder {
  @StreamListener(Sink.INPUT)
  on(@Payload() _value: unknown): void {}
}

describe('tracing without an SDK', () => {
  afterEach(() => trace.disable());

  it('is off when only the API is present (no tracer provider registered): nothing is wrapped or written', async () => {
    expect(MessagingTracing.create()).toBeUndefined();
    const app = await Bindery.create({ services: [Recorder], configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false, config: { binder: 'test' } });
    // Untraced, the runtime talks to the binder itself.
    expect((app as unknown as { producers: { binderFor(destination: string): unknown } }).producers.binderFor('anywhere')).toBe(app.binder);
    await app.close();
  });

  it('is on once a provider is registered, or when one is passed', () => {
    expect(MessagingTracing.create({ tracerProvider: new BasicTracerProvider() })).toBeDefined();
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    expect(MessagingTracing.create()).toBeDefined();
  });
});
