import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import {
  KafkaBinderError,
  KafkaConnectionError,
  isCoordinatorLoss,
  toBinderError,
} from '../../../../src/binder/kafka/errors';
import { BinderyError } from '../../../../src/protocol/primitives/errors';

describe('kafka binder errors', () => {
  const brokers = ['127.0.0.1:9092'];

  it('maps an unreachable broker, even wrapped in retries, to KafkaConnectionError with the address and cause', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const error = toBinderError('connecting', brokers, new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 100 }));
    expect(error).toBeInstanceOf(KafkaConnectionError);
    expect(error.code).toBe('KAFKA_CONNECTION');
    expect(error.message).toContain('127.0.0.1:9092');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('maps other failures to KafkaBinderError naming what failed', () => {
    const error = toBinderError("creating topic 'orders'", brokers, new Error('Topic authorization failed'));
    expect(error).toBeInstanceOf(KafkaBinderError);
    expect(error.message).toContain("creating topic 'orders' failed");
    expect(error.message).toContain('Topic authorization failed');
  });

  it('keeps bindery errors as they are', () => {
    const original = new BinderyError('SOMETHING', 'already typed');
    expect(toBinderError('x', brokers, original)).toBe(original);
  });

  it('reads errors from another realm by their shape', () => {
    const foreign = { name: 'TypeError', message: 'bad argument', code: 'ERR_INVALID_ARG_TYPE' };
    const error = toBinderError('sending', brokers, foreign);
    expect(error).toBeInstanceOf(KafkaBinderError);
    expect(error.message).toContain('TypeError: bad argument');
  });

  it('recognises a lost group coordinator', () => {
    expect(isCoordinatorLoss(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(true);
    const notCoordinator = new KafkaJSProtocolError('This is not the correct coordinator for this group');
    (notCoordinator as unknown as { type: string }).type = 'NOT_COORDINATOR_FOR_GROUP';
    expect(isCoordinatorLoss(notCoordinator)).toBe(true);
    expect(isCoordinatorLoss(new Error('handler bug'))).toBe(false);
  });
});
