/** Retry settings that cannot work fail at start-up with a typed error naming the setting. */
import { Bindery, ConfigTypeError, KafkaListener, RetryConfigError, RetryableTopic, silentLogger, type BinderyOptions, type RetryableTopicOptions } from '../../../src';

const create = (options: Partial<BinderyOptions> & Pick<BinderyOptions, 'services'>) =>
  Bindery.create({ configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false, ...options, config: { binder: 'test', ...options.config } });

function annotated(options: RetryableTopicOptions): Function {
  class Orders {
    @KafkaListener({ id: 'orders', topics: 'orders' })
    @RetryableTopic(options)
    handle(): void {}
  }
  return Orders;
}

class ValidationError extends Error {}

describe('retry configuration errors', () => {
  it.each([
    [{ attempts: 0 }, "@RetryableTopic attempts on Orders.handle: must be at least 1 (got 0)"],
    [{ backoff: { delay: -5 } }, '@RetryableTopic backoff.delay on Orders.handle: must be zero or more (got -5)'],
    [{ backoff: { maxDelay: -1 } }, '@RetryableTopic backoff.maxDelay on Orders.handle: must be zero or more (got -1)'],
    [{ include: ['ValidatonError'] }, "@RetryableTopic include on Orders.handle: 'ValidatonError' is not an error class bindery knows by name"],
  ])('@RetryableTopic(%j) is refused at start-up', async (options, message) => {
    const error = await create({ services: [annotated(options)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryConfigError);
    expect((error as RetryConfigError).code).toBe('RETRY_CONFIG_INVALID');
    expect((error as Error).message).toContain(message);
  });

  it('accepts error classes and built-in error names', async () => {
    const app = await create({ services: [annotated({ attempts: 2, include: [ValidationError, 'TypeError'], exclude: ['RangeError'] })] });
    expect(app.model.consumers[0].retryTopics).toMatchObject({ attempts: 2, delays: [1000] });
    await app.close();
  });

  it("consumer.retry 'topics' with 0 attempts or a negative delay is refused, naming the config key", async () => {
    class Orders {
      @KafkaListener({ id: 'orders', topics: 'orders' })
      handle(): void {}
    }
    for (const consumer of [{ retry: 'topics' as const, maxAttempts: 0 }, { retry: 'topics' as const, backOffInitialInterval: -1 }]) {
      const error = await create({ services: [Orders], config: { bindings: { orders: { consumer } } } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigTypeError);
      expect((error as Error).message).toMatch(/bindings\.orders\.consumer\.(maxAttempts|backOffInitialInterval)/);
    }
    // Through @KafkaListener properties, which the config schema does not see: the plan's own check.
    class Annotated {
      @KafkaListener({ id: 'annotated', topics: 'orders', properties: { retry: 'topics', maxAttempts: 0 } })
      handle(): void {}
    }
    const error = await create({ services: [Annotated] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryConfigError);
    expect((error as Error).message).toBe('bindings.annotated.consumer.maxAttempts: must be at least 1 (got 0)');
  });

  it('refuses retry topics on a topic pattern and on a batch listener', async () => {
    class Pattern {
      @KafkaListener({ id: 'pattern', topicPattern: /orders-.*/ })
      @RetryableTopic()
      handle(): void {}
    }
    await expect(create({ services: [Pattern] })).rejects.toThrow(/retry topics need named topics/);
    class Batch {
      @KafkaListener({ id: 'batch', topics: 'orders', batch: true })
      @RetryableTopic()
      handle(): void {}
    }
    await expect(create({ services: [Batch] })).rejects.toThrow(/BatchListenerFailedError/);
  });
});
