/** Kafka's topic naming rules (org.apache.kafka.common.internals.Topic). */
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError } from '../BrokerRequestError';

export const MAX_TOPIC_NAME_LENGTH = 249;
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Throws INVALID_TOPIC_EXCEPTION with the rule the name breaks. */
export function validateTopicName(name: string): void {
  const fail = (why: string): never => {
    throw new BrokerRequestError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name ${JSON.stringify(name)} is illegal: ${why}`);
  };
  if (typeof name !== 'string' || name.length === 0) fail('it is empty');
  if (name === '.' || name === '..') fail('"." and ".." are not allowed');
  if (name.length > MAX_TOPIC_NAME_LENGTH) fail(`it is ${name.length} characters long, the maximum is ${MAX_TOPIC_NAME_LENGTH}`);
  if (!LEGAL.test(name)) fail("only ASCII letters, digits, '.', '_' and '-' are allowed");
}

export function isInternalTopic(name: string): boolean {
  return name === CONSUMER_OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}

/** Kafka treats '.' and '_' as the same in metric names, so two topics differing only there collide. */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_');
}
