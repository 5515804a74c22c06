import { validateTopicName, collisionKey, isInternalTopic } from '../../../../src/broker/topics/topicName';
import { BrokerRequestError } from '../../../../src/broker/BrokerRequestError';
import { ErrorCode } from '../../../../src/protocol/errorCodes';

function codeOf(name: string): number | null {
  try {
    validateTopicName(name);
    return null;
  } catch (err) {
    return (err as BrokerRequestError).errorCode;
  }
}

describe('topic names', () => {
  it('accepts letters, digits, dot, underscore and dash up to 249 characters', () => {
    for (const name of ['orders', 'a.b_c-D9', 'x'.repeat(249), '__consumer_offsets']) expect(codeOf(name)).toBeNull();
  });

  it.each([[''], ['.'], ['..'], ['x'.repeat(250)], ['with space'], ['slash/no'], ['ünï'], ['a:b']])('refuses %j with INVALID_TOPIC_EXCEPTION', (name) => {
    expect(codeOf(name)).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('says which rule a name breaks', () => {
    expect(() => validateTopicName('x'.repeat(250))).toThrow(/250 characters long, the maximum is 249/);
    expect(() => validateTopicName('a b')).toThrow(/only ASCII letters, digits/);
  });

  it('treats dot and underscore as colliding, and knows the internal topics', () => {
    expect(collisionKey('a.b')).toBe(collisionKey('a_b'));
    expect(collisionKey('a.b')).not.toBe(collisionKey('a-b'));
    expect(isInternalTopic('__consumer_offsets')).toBe(true);
    expect(isInternalTopic('consumer_offsets')).toBe(false);
  });
});
