/** Unreachable brokers surface as a typed error naming the address, after a bounded number of retries. */
import * as net from 'node:net';
import { createKafkaBinder, KafkaConnectionError } from '../../src/binder/kafka';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('kafka binder without a reachable broker', () => {
  it('rejects binding with KafkaConnectionError naming the broker and the cause', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const binder = createKafkaBinder({
      brokers: [address],
      logLevel: 'nothing',
      connectionTimeoutMs: 500,
      retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
    });
    try {
      const failure = await binder.bindProducer('orders').then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(KafkaConnectionError);
      const error = failure as KafkaConnectionError;
      expect(error.code).toBe('KAFKA_CONNECTION');
      expect(error.brokers).toEqual([address]);
      expect(error.message).toContain(address);
      expect(error.message).toMatch(/ECONNREFUSED|Connection error/);
    } finally {
      await binder.close();
    }
  });
});
